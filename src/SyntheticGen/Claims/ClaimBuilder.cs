using System.Numerics;

namespace Claims.SyntheticGen.Claims;

public enum ItemTable : byte
{
    Procedure,
    Drug,
    Device,
}

public record struct DiagnosisLine(string Code, string Icd10, int StartDays, sbyte Outcome, bool Main, bool Suspected);

/// <summary>A procedure, drug or device line; <see cref="Prescriber"/> is the prescribing facility of a pharmacy's drug line, else 0.</summary>
public record struct ItemLine(ItemTable Table, sbyte Shikibetsu, string Code, float Quantity, int Points, short Times, sbyte FirstDay,
    string? Yj, short DrugClass, int Prescriber);

/// <summary>
/// One receipt being assembled: everything one facility bills for one person in one month. Reused between
/// receipts (Reset), so a month of claims allocates nothing once the lists have grown.
/// </summary>
public sealed class ClaimBuilder
{
    public int Facility { get; private set; }
    public sbyte Kind { get; private set; }
    public uint Days { get; private set; }
    private uint _prescribed;
    public bool FirstVisit { get; set; }
    public bool ChronicManaged { get; set; }
    public int OutsidePrescriptions { get; set; }
    public int InhousePrescriptions { get; set; }
    public int? AdmissionDays { get; set; }
    public int? DischargeDays { get; set; }
    public string? DpcCode { get; set; }
    public string? DpcMainIcd10 { get; set; }
    public string? DpcComorbidityIcd10 { get; set; }
    public int BundledPoints { get; set; }
    public bool Died { get; set; }
    public List<DiagnosisLine> Diagnoses { get; } = new(8);
    public List<ItemLine> Items { get; } = new(16);

    public void Reset(int facility, sbyte kind)
    {
        Facility = facility;
        Kind = kind;
        Days = 0;
        _prescribed = 0;
        FirstVisit = false;
        ChronicManaged = false;
        OutsidePrescriptions = 0;
        InhousePrescriptions = 0;
        AdmissionDays = null;
        DischargeDays = null;
        DpcCode = null;
        DpcMainIcd10 = null;
        DpcComorbidityIcd10 = null;
        BundledPoints = 0;
        Died = false;
        Diagnoses.Clear();
        Items.Clear();
    }

    public void AddDay(int day) => Days |= 1u << (day - 1);

    public int DayCount => BitOperations.PopCount(Days);

    /// <summary>Marks a prescription written on <paramref name="day"/>: true for the day's first, one slip however many conditions it covers.</summary>
    public bool NewPrescription(int day)
    {
        var bit = 1u << (day - 1);
        var first = (_prescribed & bit) == 0;
        _prescribed |= bit;
        return first;
    }

    public int FirstDay => Days == 0 ? 0 : BitOperations.TrailingZeroCount(Days) + 1;

    /// <summary>Adds a diagnosis unless the receipt already lists the code (a receipt names each disease once).</summary>
    public void AddDiagnosis(string code, string icd10, int startDays, sbyte outcome, bool main = false, bool suspected = false)
    {
        for (var i = 0; i < Diagnoses.Count; i++)
        {
            if (Diagnoses[i].Code != code) continue;
            Diagnoses[i] = Diagnoses[i] with { Main = Diagnoses[i].Main || main, Outcome = Math.Max(Diagnoses[i].Outcome, outcome) };
            return;
        }
        Diagnoses.Add(new DiagnosisLine(code, icd10, startDays, outcome, main, suspected));
    }

    public void AddItem(ItemTable table, sbyte shikibetsu, string code, float quantity, int points, int times, int firstDay,
        string? yj = null, short drugClass = 0, int prescriber = 0) =>
        Items.Add(new ItemLine(table, shikibetsu, code, quantity, points, (short)Math.Clamp(times, 1, short.MaxValue),
            (sbyte)Math.Clamp(firstDay, 0, 31), yj, drugClass, prescriber));

    /// <summary>Σ points × times over the lines, plus the DPC bundled part: what the receipt's total must equal.</summary>
    public int TotalPoints()
    {
        long total = BundledPoints;
        foreach (var item in Items) total += (long)item.Points * item.Times;
        return (int)Math.Min(total, int.MaxValue);
    }
}
