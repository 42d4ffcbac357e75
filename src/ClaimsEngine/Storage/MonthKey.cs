namespace Claims.Engine.Storage;

/// <summary>Months as the NDB writes them: YYYYMM integers.</summary>
public static class MonthKey
{
    public static bool IsValid(int month) => month / 100 is >= 1900 and <= 2999 && month % 100 is >= 1 and <= 12;

    /// <summary>Months counted from year 0 (year × 12 + month − 1), so month arithmetic is subtraction.</summary>
    public static int ToAbsolute(int yyyymm) => yyyymm / 100 * 12 + yyyymm % 100 - 1;

    public static int FromAbsolute(int absolute) => absolute / 12 * 100 + absolute % 12 + 1;

    public static void Validate(int month, string what)
    {
        if (!IsValid(month)) throw new ClaimsException($"{what}: {month} is not a month (YYYYMM)");
    }
}
