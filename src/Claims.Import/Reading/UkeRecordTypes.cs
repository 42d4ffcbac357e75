namespace Claims.Import.Reading;

/// <summary>The record types of a 医科 file this importer reads; any other type refuses the file, naming it.</summary>
internal static class UkeRecordTypes
{
    public const string Facility = "IR", Receipt = "RE", Insurer = "HO", PublicPayer = "KO", Eligibility = "SN",
        Diagnosis = "SY", Procedure = "SI", Drug = "IY", Device = "TO", Comment = "CO", SymptomNote = "SJ", Trailer = "GO";

    public static readonly string[] All =
        [Facility, Receipt, Insurer, PublicPayer, Eligibility, Diagnosis, Procedure, Drug, Device, Comment, SymptomNote, Trailer];

    /// <summary>Records that may stand inside a receipt, after its RE.</summary>
    public static readonly IReadOnlySet<string> InReceipt = new HashSet<string>
        { Insurer, PublicPayer, Eligibility, Diagnosis, Procedure, Drug, Device, Comment, SymptomNote };

    /// <summary>Why a type this importer does not read is refused: where it comes from, when known.</summary>
    public static string Uncovered(string type) => type switch
    {
        "BU" or "SB" or "KK" or "GA" or "HH" or "GT" or "CD" or "GR" => $"record type '{type}' is a DPC record, which this importer does not read yet",
        "YK" or "SH" or "CZ" or "TK" or "KH" => $"record type '{type}' is a 調剤 (pharmacy) record, which this importer does not read yet",
        "JD" => "record type 'JD' (受診日等) is a 医科 record this importer does not map yet",
        "MF" => "record type 'MF' (窓口負担額) is a 医科 record this importer does not map yet",
        "HS" or "SS" or "SK" => $"record type '{type}' is a 歯科 (dental) record, which this importer does not read yet",
        _ => $"record type '{type}' is not one this importer reads (IR, RE, HO, KO, SN, SY, SI, IY, TO, CO, SJ, GO)",
    };
}
