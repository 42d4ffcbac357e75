namespace Claims.Import.Reading;

/// <summary>A file's IR record: who bills, where, under which fee table and for which month.</summary>
internal sealed record UkeFacility(string Path, int Line, int Payer, int Prefecture, string FacilityCode, int BillingMonth, DateConvention Convention);
