namespace Claims.Engine.Storage;

/// <summary>Months as the NDB writes them: YYYYMM integers.</summary>
public static class MonthKey
{
    public static bool IsValid(int month) => month / 100 is >= 1900 and <= 2999 && month % 100 is >= 1 and <= 12;

    public static void Validate(int month, string what)
    {
        if (!IsValid(month)) throw new ClaimsException($"{what}: {month} is not a month (YYYYMM)");
    }
}
