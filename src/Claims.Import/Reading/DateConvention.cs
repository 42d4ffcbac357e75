using System.Globalization;

namespace Claims.Import.Reading;

/// <summary>
/// How a file writes its dates: the 2020+ layout's Western calendar (YYYYMM, YYYYMMDD) or the older layout's
/// Japanese era (GYYMM, GYYMMDD, G the era digit 1 明治 … 5 令和), which every NDB year before 2020 uses.
/// </summary>
internal enum DateConvention
{
    Western,
    JapaneseEra,
}

internal static class UkeDates
{
    // Year 1 of each era, by era digit (1 明治 1868, 2 大正 1912, 3 昭和 1926, 4 平成 1989, 5 令和 2019).
    private static readonly int[] s_eraStart = [0, 1868, 1912, 1926, 1989, 2019];

    public static string Name(this DateConvention convention) => convention switch
    {
        DateConvention.Western => "western (YYYYMMDD)",
        _ => "japanese-era (GYYMMDD)",
    };

    /// <summary>The convention of a file, read from the width of its IR billing month; null when it is neither.</summary>
    public static DateConvention? Detect(string billingMonth) => billingMonth.Length switch
    {
        6 => DateConvention.Western,
        5 => DateConvention.JapaneseEra,
        _ => null,
    };

    public static bool TryMonth(string text, DateConvention convention, out int yyyymm)
    {
        yyyymm = 0;
        if (!TryYear(text, convention, 6, 5, out var year, out var rest)) return false;
        if (!int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var month) || rest.Length != 2 || month is < 1 or > 12) return false;
        yyyymm = year * 100 + month;
        return true;
    }

    public static bool TryDate(string text, DateConvention convention, out DateOnly date)
    {
        date = default;
        if (!TryYear(text, convention, 8, 7, out var year, out var rest) || rest.Length != 4) return false;
        if (!int.TryParse(rest.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            || !int.TryParse(rest.AsSpan(2, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var day)
            || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return false;
        date = new DateOnly(year, month, day);
        return true;
    }

    private static bool TryYear(string text, DateConvention convention, int westernLength, int eraLength, out int year, out string rest)
    {
        year = 0;
        rest = "";
        if (convention == DateConvention.Western)
        {
            if (text.Length != westernLength || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out year) || year < 1868) return false;
            rest = text[4..];
            return true;
        }
        if (text.Length != eraLength || text[0] is < '1' or > '5'
            || !int.TryParse(text.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var eraYear) || eraYear < 1) return false;
        year = s_eraStart[text[0] - '0'] + eraYear - 1;
        rest = text[3..];
        return true;
    }
}
