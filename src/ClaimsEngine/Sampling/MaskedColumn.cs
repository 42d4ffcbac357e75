namespace Claims.Engine.Sampling;

/// <summary>
/// A code column whose rare codes the sampling product masks (傷病名コード, 診療行為コード, 医薬品コード,
/// 特定器材コード, DPC code). Followers are columns of the same row that would give the masked code away (a disease's
/// ICD-10 and name, a drug's YJ code): they are masked wherever it is. Mirrors hold the same codes in another table
/// (the receipt's DPC code) and are masked with the same set, so the two never disagree.
/// </summary>
internal sealed record MaskedColumn(string Table, string Column, IReadOnlyList<string> Followers, IReadOnlyList<(string Table, string Column)> Mirrors)
{
    /// <summary>What a masked code becomes; a code column's text, so it is stored in the dictionary like any other code.</summary>
    public const string Code = "9999999";

    public static IReadOnlyList<MaskedColumn> Ndb { get; } =
    [
        new("diagnoses", "disease_code", ["icd10", "disease_name"], []),
        new("procedures", "code", [], []),
        new("drugs", "code", ["yj_code"], []),
        new("devices", "code", [], []),
        new("dpc", "dpc_code", [], [("receipts", "dpc_code")]),
    ];

    public string Name => $"{Table}.{Column}";
}
