namespace Claims.Engine.Query;

/// <summary>
/// The chapter (1–22, as enum:icd10_chapter names them) of an ICD-10 code, by WHO ICD-10's block ranges, which the
/// Japanese 疾病分類 follows: A00–B99 is I, C00–D48 II, … Z00–Z99 XXI, and U00–U85 (codes for special purposes) XXII.
/// A code past the last block of a chapter and before the next's first falls in the next; 0 for what is no code.
/// </summary>
internal static class Icd10Chapters
{
    private static readonly (string Last, int Chapter)[] s_ends =
    [
        ("B99", 1), ("D48", 2), ("D89", 3), ("E90", 4), ("F99", 5), ("G99", 6), ("H59", 7), ("H95", 8), ("I99", 9), ("J99", 10),
        ("K93", 11), ("L99", 12), ("M99", 13), ("N99", 14), ("O99", 15), ("P96", 16), ("Q99", 17), ("R99", 18), ("T98", 19),
        ("Y98", 20), ("Z99", 21),
    ];

    public static int Of(string code)
    {
        if (code.Length < 3 || !char.IsAsciiLetterUpper(code[0]) || !char.IsAsciiDigit(code[1]) || !char.IsAsciiDigit(code[2])) return 0;
        if (code[0] == 'U') return 22;
        var category = code[..3];
        foreach (var (last, chapter) in s_ends)
            if (string.CompareOrdinal(category, last) <= 0) return chapter;
        return 0;
    }
}
