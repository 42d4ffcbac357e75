namespace Claims.Engine.Privacy;

/// <summary>What suppression decided: each cell's status, and whether the table had to be withheld whole.</summary>
internal sealed record SuppressionOutcome(IReadOnlyList<CellSuppression> Cells, bool Withheld)
{
    public bool IsSuppressed(int cell) => Cells[cell] != CellSuppression.None;
}

/// <summary>
/// A table of cells with their patient counts (or claim counts, where only those are known) and its lines: sets of
/// cells whose sum anyone can learn (row, column and grand totals, asked for by another query).
/// A line of one cell is that cell itself, and a line whose total is below the threshold is a margin its own query
/// would suppress, so neither is treated as public; a cell alone in a public line is public, so it is never
/// chosen to hide another.
/// </summary>
internal sealed class SuppressionTable
{
    private readonly long[] _counts;
    private readonly int[][] _lines;

    public SuppressionTable(IReadOnlyList<long> counts, IEnumerable<int[]> lines)
    {
        if (counts.Any(c => c < 0)) throw new ArgumentException("cell counts cannot be negative", nameof(counts));
        _counts = [.. counts];
        _lines = [.. lines];
        if (_lines.Any(line => line.Any(c => (uint)c >= (uint)_counts.Length))) throw new ArgumentException("a line names a cell outside the table", nameof(lines));
    }

    public IReadOnlyList<long> Counts => _counts;

    /// <summary>The lines an attacker can know the totals of under <paramref name="policy"/>.</summary>
    public IReadOnlyList<int[]> PublicLines(DisclosurePolicy policy) =>
        _lines.Where(line => line.Length > 1 && line.Sum(c => _counts[c]) >= policy.Threshold).ToList();

    /// <summary>
    /// Primary suppression of small cells, then complementary suppression until <see cref="SuppressionAudit"/> finds
    /// no suppressed cell determined by the public lines. Greedy: first each line with one suppressed cell, or
    /// whose suppressed cells sum below the threshold (their sum, learnt by subtraction, would disclose a small
    /// number), gives up its smallest released cell; then each determined cell's lines do. If that runs out of
    /// cells while a cell stays determined, the margins alone pin it, and the whole table is withheld. Without
    /// withholding, a cell the margins alone pin asks for no complementary cell in either step.
    /// </summary>
    /// <param name="small">
    /// Cells to suppress besides those under the threshold (counts perturbed below it, or a zero that must look like
    /// a few), by index. A zero arises only as the one cell of a table without groups, which has no margins, so the
    /// audit's premise that suppressed cells in lines are positive still holds.
    /// </param>
    /// <param name="withhold">
    /// Whether a table whose margins alone still pin a suppressed cell is withheld whole. Where margins are released
    /// perturbed (restricted queries), a margin less the released cells gives a hidden cell only up to the sum of
    /// their noises, so such a table is released with the suppression reached rather than lost.
    /// </param>
    public SuppressionOutcome Suppress(DisclosurePolicy policy, IReadOnlyList<bool>? small = null, bool withhold = true)
    {
        var publicCells = _lines.Where(line => line.Length == 1 && _counts[line[0]] >= policy.Threshold).Select(line => line[0]).ToHashSet();
        // A cell alone in a margin of the threshold or more is that margin, which the audit counts as public: hiding
        // it for its perturbed value would leave it pinned by the other margins, and cascade through the table.
        var status = _counts.Select((c, i) => policy.IsSmall(c) || (small?[i] == true && !publicCells.Contains(i)) ? CellSuppression.Primary : CellSuppression.None).ToArray();
        var lines = PublicLines(policy);
        // Cells the margins alone pin (where groups are missing) stay pinned whatever else is hidden: hiding more for
        // them would only cascade through the table. Without withholding, their protection is the margins' noise.
        var pinnedByMargins = withhold ? [] : SuppressionAudit.Determined(lines, Enumerable.Repeat(true, _counts.Length).ToArray()).ToHashSet();
        bool Eligible(int cell) => status[cell] == CellSuppression.None && _counts[cell] > 0 && !publicCells.Contains(cell);
        bool HideSmallestOf(IEnumerable<int> cells)
        {
            var choice = cells.Where(Eligible).OrderBy(c => _counts[c]).ThenBy(c => c).DefaultIfEmpty(-1).First();
            if (choice >= 0) status[choice] = CellSuppression.Complementary;
            return choice >= 0;
        }

        while (true)
        {
            var changed = false;
            foreach (var line in lines)
            {
                // A cell the margins alone pin is not protected by hiding its neighbours (the margins give it anyway),
                // so it asks for none: asking had withheld a whole outcome × main-diagnosis table for one small cell.
                var hidden = line.Where(c => status[c] != CellSuppression.None && !pinnedByMargins.Contains(c)).ToArray();
                if (hidden.Length == 0) continue;
                if (hidden.Length == 1 || hidden.Sum(c => _counts[c]) < policy.Threshold) changed |= HideSmallestOf(line);
            }
            if (changed) continue;

            var determined = SuppressionAudit.Determined(lines, status.Select(s => s != CellSuppression.None).ToArray()).Except(pinnedByMargins).ToList();
            if (determined.Count == 0) return new SuppressionOutcome(status, Withheld: false);
            foreach (var cell in determined) changed |= HideSmallestOf(lines.Where(line => line.Contains(cell)).SelectMany(line => line));
            if (changed) continue;
            if (!withhold) return new SuppressionOutcome(status, Withheld: false);

            for (var c = 0; c < status.Length; c++)
                if (status[c] == CellSuppression.None) status[c] = CellSuppression.Complementary;
            return new SuppressionOutcome(status, Withheld: true);
        }
    }
}
