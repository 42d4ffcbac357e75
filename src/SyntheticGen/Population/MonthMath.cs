using Claims.Engine.Storage;

namespace Claims.SyntheticGen.Population;

/// <summary>Months as absolute counts (year × 12 + month − 1), converted to the NDB's YYYYMM only at output.</summary>
public static class MonthMath
{
    public static int FromYyyymm(int yyyymm) => MonthKey.ToAbsolute(yyyymm);

    public static int ToYyyymm(int absolute) => MonthKey.FromAbsolute(absolute);

    public static int Of(DateOnly date) => date.Year * 12 + date.Month - 1;

    public static DateOnly FirstDay(int absolute) => new(absolute / 12, absolute % 12 + 1, 1);

    public static int Days(int absolute) => DateTime.DaysInMonth(absolute / 12, absolute % 12 + 1);

    public static int CalendarMonth(int absolute) => absolute % 12 + 1;

    /// <summary>The April–March fiscal year the month belongs to.</summary>
    public static int FiscalYear(int absolute) => (absolute - 3) / 12;
}
