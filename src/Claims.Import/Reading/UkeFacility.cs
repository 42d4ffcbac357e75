namespace Claims.Import.Reading;

/// <summary>A file's IR record as the import uses it: where the facility is, which it is, the billing month and the file's dates.</summary>
internal sealed record UkeFacility(string Path, int Prefecture, string FacilityCode, int BillingMonth, DateConvention Convention);
