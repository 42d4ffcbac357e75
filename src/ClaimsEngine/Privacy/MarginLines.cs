namespace Claims.Engine.Privacy;

/// <summary>
/// The margins of a group-by result, which are public because anyone may ask for them with another query: with
/// one key the grand total; with two, the row and column totals and the grand total; with more, the totals along
/// each key with the other keys fixed, and the grand total (the partial totals over two or more keys are not
/// modelled). A result without group-by is a single cell with no margins.
/// </summary>
internal static class MarginLines
{
    /// <summary>Lines over <paramref name="rows"/>, whose first <paramref name="keys"/> values are the group keys.</summary>
    public static IEnumerable<int[]> Of(IReadOnlyList<object?[]> rows, int keys)
    {
        if (keys == 0) yield break;
        yield return Enumerable.Range(0, rows.Count).ToArray();
        if (keys == 1) yield break;
        for (var along = 0; along < keys; along++)
        {
            var fixedKeys = Enumerable.Range(0, keys).Where(k => k != along).ToArray();
            foreach (var line in Enumerable.Range(0, rows.Count).GroupBy(r => fixedKeys.Select(k => rows[r][k]).ToArray(), GroupKeyComparer.Instance))
                yield return line.ToArray();
        }
    }

    /// <summary>What the margins are, in words, for the rules a result lists.</summary>
    public static string Describe(int keys) => keys switch
    {
        0 => "no margins",
        1 => "the grand total",
        2 => "row, column and grand totals",
        _ => "totals along each group key with the others fixed, and the grand total",
    };
}
