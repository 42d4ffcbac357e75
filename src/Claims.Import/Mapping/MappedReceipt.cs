namespace Claims.Import.Mapping;

/// <summary>Which line table an SI, IY or TO record goes to.</summary>
internal enum LineTable
{
    Procedures,
    Drugs,
    Devices,
}

internal static class LineTables
{
    /// <summary>The table's name in tables.json.</summary>
    public static string Name(LineTable table) => table switch
    {
        LineTable.Procedures => "procedures",
        LineTable.Drugs => "drugs",
        _ => "devices",
    };
}

/// <summary>An SI/IY/TO line in the store's terms; <see cref="DaySum"/> is kept for the day-count check.</summary>
internal sealed record MappedLine(int Line, LineTable Table, sbyte? Shikibetsu, string Code, float? Quantity, int? Points, short Times,
    int DaySum, sbyte? FirstDay, string? Yj, short? DrugClass);

/// <summary>An SY record in the store's terms; the name only for an uncoded (0000999) diagnosis.</summary>
internal sealed record MappedDiagnosis(string Code, string? Name, string? Icd10, int? StartDays, sbyte Outcome, bool Main, bool Suspected);

/// <summary>A receipt as the store holds it: no name and no card number, only the hashes made from them.</summary>
internal sealed class MappedReceipt
{
    public short ReceiptType { get; set; }
    public sbyte ClaimKind { get; set; }
    public int ServiceMonth { get; set; }
    public sbyte Prefecture { get; set; }
    public int FacilityId { get; set; }
    public sbyte? InsurerKind { get; set; }
    public sbyte Sex { get; set; }
    public short Age { get; set; }
    public int BirthMonth { get; set; }
    public byte[]? Id1 { get; set; }
    public byte[]? Id2 { get; set; }
    public int TotalPoints { get; set; }

    /// <summary>The line of the HO or KO record the total comes from.</summary>
    public int TotalLine { get; set; }

    public short ActualDays { get; set; }
    public int? AdmissionDays { get; set; }
    public List<MappedDiagnosis> Diagnoses { get; } = [];
    public List<MappedLine> Lines { get; } = [];
}
