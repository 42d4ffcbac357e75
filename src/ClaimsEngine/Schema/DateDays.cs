namespace Claims.Engine.Schema;

/// <summary>Date columns hold days since 1970-01-01 (as Arrow's date32 and Parquet's DATE do).</summary>
public static class DateDays
{
    private static readonly int s_epoch = new DateOnly(1970, 1, 1).DayNumber;

    public static int From(DateOnly date) => date.DayNumber - s_epoch;

    public static DateOnly ToDate(int days) => DateOnly.FromDayNumber(days + s_epoch);

    /// <summary>Whether <paramref name="days"/> is a date <see cref="ToDate"/> can give (year 1 to 9999).</summary>
    public static bool IsDate(long days) => days + s_epoch >= DateOnly.MinValue.DayNumber && days + s_epoch <= DateOnly.MaxValue.DayNumber;
}
