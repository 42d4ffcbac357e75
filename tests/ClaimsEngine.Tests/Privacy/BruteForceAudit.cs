namespace Claims.Engine.Tests.Privacy;

/// <summary>
/// The test's own audit, independent of SuppressionAudit's algebra: a suppressed cell is determined when no
/// non-negative integer table that agrees with the released cells and the public line totals gives it another
/// value. For each suppressed cell and each other value it searches depth-first for such a table, values closest
/// to the truth first. Exact and exhaustive, so only for small tables.
/// </summary>
internal static class BruteForceAudit
{
    /// <summary>The public lines: those of two or more cells whose total reaches the threshold (a smaller margin is itself suppressed).</summary>
    public static List<int[]> PublicLines(long[] values, IEnumerable<int[]> lines, int threshold) =>
        lines.Where(l => l.Length > 1 && l.Sum(c => values[c]) >= threshold).ToList();

    public static bool[] Determined(long[] values, bool[] suppressed, IReadOnlyList<int[]> lines)
    {
        var hidden = Enumerable.Range(0, values.Length).Where(c => suppressed[c]).ToArray();
        var determined = new bool[values.Length];
        foreach (var cell in hidden)
        {
            var order = hidden.Where(c => c != cell).Prepend(cell).ToArray();
            var linesOf = order.Select(c => lines.Select((l, i) => (l, i)).Where(p => p.l.Contains(c)).Select(p => p.i).ToArray()).ToArray();
            var remaining = lines.Select(l => l.Where(c => suppressed[c]).Sum(c => values[c])).ToArray();
            var open = lines.Select(l => l.Count(c => suppressed[c])).ToArray();
            if (linesOf[0].Length == 0) continue;
            determined[cell] = !Search(0);

            // Depth-first: is there a completion, with the audited cell (position 0) away from its true value?
            bool Search(int k)
            {
                if (k == order.Length) return true;
                var mine = linesOf[k];
                var high = mine.Length == 0 ? values[order[k]] : mine.Min(l => remaining[l]);
                var forced = mine.Where(l => open[l] == 1).Select(l => remaining[l]).Distinct().ToArray();
                if (forced.Length > 1) return false;
                IEnumerable<long> candidates = forced.Length == 1
                    ? forced.Where(v => v >= 0 && v <= high)
                    : Enumerable.Range(0, (int)high + 1).Select(v => (long)v).OrderBy(v => Math.Abs(v - values[order[k]]));
                if (k == 0) candidates = candidates.Where(v => v != values[cell]);
                foreach (var v in candidates)
                {
                    foreach (var l in mine) { remaining[l] -= v; open[l]--; }
                    var found = Search(k + 1);
                    foreach (var l in mine) { remaining[l] += v; open[l]++; }
                    if (found) return true;
                }
                return false;
            }
        }
        return determined;
    }
}
