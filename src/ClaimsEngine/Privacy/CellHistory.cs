namespace Claims.Engine.Privacy;

/// <summary>
/// The differencing rule for perturbed figures. The cell key method answers the same records with the same noise,
/// so two cells shown with equal figures would tell that they hold the same patients, and unequal ones that they
/// do not: a count for a prefecture and the same count without "aged 67, male, unless they have E11" said whether
/// that one person has E11. So a cell near one the project asked before (in this release or an earlier one, by
/// any question, shown or x) is shown that cell's figures whatever its own count, and only a cell far from all of
/// them gets figures of its own: identical and slightly different cells then get the same answer alike, which is
/// also what makes a rewritten question over the same patients get the same answer. Near is decided as a count of the records between the two
/// cells is: a difference that the count rule would show as <see cref="DisclosurePolicy.Marker"/> (none, 1 to
/// threshold − 1, and by the asking cell's count draw sometimes up to threshold + <see cref="DisclosurePolicy.Margin"/> +
/// <see cref="PerturbationTable.MaxNoise"/> − 1) is near.
/// </summary>
internal sealed class CellHistory(ShownCells shown, DisclosurePolicy policy)
{
    private readonly Dictionary<long, List<ShownCell>> _added = [];
    private readonly Dictionary<ShownCell, int> _addedOrder = [];
    private readonly Dictionary<ShownCell, Dictionary<string, double?>> _addedFigures = new(ReferenceEqualityComparer.Instance);

    /// <summary>The cells this release decided by their own rules (far from all asked before), for the ledger to keep.</summary>
    public List<ShownCell> Added { get; } = [];

    /// <summary>Whether this release hid a count a cell kept before was not kept with (<see cref="Count"/>), for its rules to say why.</summary>
    public bool HidUnkept { get; private set; }

    /// <summary>Figures this release adds to cells kept before, for the ledger to keep.</summary>
    public IReadOnlyList<(ShownCell Cell, string Name, double? Value)> AddedFigures =>
        _addedFigures.SelectMany(cell => cell.Value.Select(f => (cell.Key, f.Key, f.Value))).ToList();

    /// <summary>
    /// The cell asked before (in this release or an earlier one) that a cell of <paramref name="units"/> records
    /// sketched by <paramref name="sketch"/> lands on, and how many records apart; null when it is near none. Near
    /// as the asking cell's own count draw (<paramref name="uniform"/>) would hide the records between it and the
    /// closest kept cell: within the threshold for sure, at the perturbed edge by that one draw, so being near any
    /// of them is being near the closest, however many there are. The same patients land where they landed before.
    /// Otherwise each family of kept cells (a root and its aliases) in reach scores its closest member's distance
    /// plus a noise of its own for this asker (<see cref="CellPerturbation.LandingNoise"/>), and the least score
    /// wins, ties to the oldest.
    /// </summary>
    /// <remarks>
    /// Drawn per pair, nearness was near if any pair said so, and an analyst who kept 300 aliases of one cell made a
    /// cell exactly at the edge of all of them near almost surely, and one a patient further far (attack review 25:
    /// 23 of 31, 6 of 119 with a margin of 5). With the count's own draw, a cell one record further from a kept one
    /// than it holds is near only when its own count is x as well, so a kept cell of one person never makes pads
    /// around it x more often than no cell would (drawn apart, review 22: 19 of 22). The draw decides nothing shown:
    /// every figure is drawn apart (<see cref="CellPerturbation.ShownCount"/>), since a figure of the deciding draw
    /// said its noise was past a point the analyst set (review 24).
    /// Which cell a near cell lands on must not follow from which kept cell is closest by one patient either.
    /// Landing on any cell within the threshold first, else on the oldest at the edge, said it exactly: an older
    /// root 10 or 11 from a probe and a newer one 10 or 9 from it, and "shown the newer one's figure" meant the
    /// target was not there (review 26: 118 of 118 at the margin of 5, and small counts pinned in 9 figures each).
    /// Scored with noise, a family a few patients away still wins over one at the edge almost surely, so two cells
    /// a few apart land alike (review 4), while two families at about the same distance are picked by the draw.
    /// </remarks>
    private (ShownCell Cell, int Apart)? Near(long units, CellSketch sketch, double uniform)
    {
        // Two cells at least this far apart in size cannot be near.
        var limit = policy.Shown + PerturbationTable.MaxNoise - 1;
        var candidates = new List<(int Order, ShownCell Cell)>();
        for (var size = units - limit; size <= units + limit; size++)
            foreach (var other in shown.WithUnits(size).Concat(_added.GetValueOrDefault(size) ?? []))
                if (other.Units > 0) candidates.Add((Order(other), other));
        // Oldest first, so that ties go to the oldest.
        candidates.Sort((a, b) => a.Order.CompareTo(b.Order));
        (ShownCell Cell, int Apart, int Score)? best = null;
        var closest = int.MaxValue;
        foreach (var (_, other) in candidates)
        {
            // Not `is not { } between`: a mutant without the continue would not compile, and mutation testing
            // (docs/mutation.md) would then leave this whole method out.
            var between = CellSketch.Difference(sketch, other.Sketch, limit);
            if (between is null) continue;
            var apart = between.Value.Size;
            if (apart == 0) return (other, 0);
            closest = Math.Min(closest, apart);
            var score = apart + CellPerturbation.LandingNoise(uniform, other.Root.Sketch.Key);
            if (best is null || score < best.Value.Score) best = (other, apart, score);
        }
        // At the perturbed edge every kept cell is near alike, small or not, an alias as its root is: followed there
        // only within its root's reach, a chain's member had a sharp edge (attack review 22: 35 of 35), and near only
        // within the threshold, so did a small kept cell (review 23: 17 of 18). What stays is the edge every cell has.
        if (best is not { } landing || (closest >= policy.Threshold && policy.Noise.Perturb(closest, uniform) is not null)) return null;
        return (landing.Cell, landing.Apart);
    }

    /// <summary>
    /// The cell a release decides, whose figures it shows (<see cref="Figure"/>). A cell under the threshold is hidden
    /// whatever it lands on: borrowed figures would say that it holds somebody. Any other cell lands where the same
    /// patients were asked before, or borrows the figures of a near cell (and is kept as its alias), shown or hidden
    /// as that cell was, whatever its own perturbation says: decided by its own key, a cell one patient from a cell
    /// shown before came out x now and then exactly when that patient was there (attack review 16). Only a cell near
    /// none is decided by its own count, and kept: hidden whole when that count perturbed by <paramref name="uniform"/> (its
    /// count draw, <see cref="CellPerturbation.CountUniform"/>) would be, and then every
    /// figure of it, and of every cell that lands on it later, is x, whatever is asked.
    /// </summary>
    public ShownCell Decide(long units, CellSketch sketch, double uniform, IReadOnlyDictionary<string, long>? truths = null)
    {
        var small = units < policy.Threshold;
        // No records are no cell: kept, every cell of 10 to 14 was near it at the perturbed edge, and came out x for
        // it now and then (the patients behind a count of a column that no row lacks, asked of many pads).
        if (units == 0) return new ShownCell(units, sketch) { Figures = { [ShownCell.HiddenFigure] = null } };
        if (Near(units, sketch, uniform) is not { } near) return Keep(units, sketch, truths, hidden: small || policy.Noise.Perturb(units, uniform) is null);
        if (small)
        {
            // A small cell shows nothing whatever it lands on, but continues the chain it lands on: a set grown a few
            // patients at a time from a small seed stays within the reach of its last step, so it leaves the chain
            // only at the perturbed edge, never at exactly the threshold from the seed, where the last pad before
            // that edge with a person added showed exactly when they were there (attack review 22).
            if (near.Apart > 0) Keep(units, sketch, truths: null, near.Cell);
            return new ShownCell(units, sketch) { Figures = { [ShownCell.HiddenFigure] = null } };
        }
        return near.Apart == 0 ? near.Cell : Keep(units, sketch, truths, near.Cell);
    }

    /// <summary>
    /// A cell kept for later cells to be compared with: one far from all asked before, with the figures this release
    /// shows for it, x included (a cell x by its own count and forgotten would let the next one near it be decided
    /// by its own count); or one that borrowed the figures of <paramref name="alias"/>. With its true counts
    /// (<paramref name="truths"/>, a root's only), for figures later releases ask of it first.
    /// </summary>
    private ShownCell Keep(long units, CellSketch sketch, IReadOnlyDictionary<string, long>? truths, ShownCell? alias = null, bool hidden = false)
    {
        var cell = new ShownCell(units, sketch, alias);
        // An alias shows its root's figures, so only a root's truths are ever read.
        if (alias is null && truths is not null)
            foreach (var (name, truth) in truths) cell.Truths[name] = truth;
        if (hidden) cell.Figures[ShownCell.HiddenFigure] = null;
        if (!_added.TryGetValue(units, out var same)) _added[units] = same = [];
        same.Add(cell);
        _addedOrder[cell] = Added.Count;
        Added.Add(cell);
        return cell;
    }

    /// <summary>
    /// The figure <paramref name="name"/> of <paramref name="asked"/> as shown: as first shown, or, the first time it
    /// is asked of the cell, <paramref name="value"/> (the asking cell's own figure), which then stays the cell's.
    /// </summary>
    public double? Figure(ShownCell asked, string name, Func<double?> value)
    {
        var cell = asked.Root;
        if (cell.Hidden) return null;
        if (cell.Figures.TryGetValue(name, out var known) || (_addedFigures.GetValueOrDefault(cell)?.TryGetValue(name, out known) ?? false)) return known;
        var figure = value();
        // A cell of this release is kept with its figures; one kept before only in memory once the release is.
        if (_addedOrder.ContainsKey(cell)) cell.Figures[name] = figure;
        else
        {
            if (!_addedFigures.TryGetValue(cell, out var added)) _addedFigures[cell] = added = [];
            added[name] = figure;
        }
        return figure;
    }

    /// <summary>
    /// A count named <paramref name="name"/> (of patients or of rows) of <paramref name="asked"/>, whose true value
    /// for the asking cell is <paramref name="count"/>, as <see cref="Figure"/> shows it: the first time, the
    /// <paramref name="draw"/> of the cell's own true value under the cell's key (the sum of its records' keys), so
    /// that it is the same whichever near cell asks, now or in a later release: the count the cell was kept with
    /// (<see cref="ShownCell.Truths"/>), or, within the release that keeps it, the count asked where there is one
    /// (null: only the count kept is ever the cell's). Any other count is hidden. Given <paramref name="sameAs"/>,
    /// a count first asked is shown as that count is.
    /// </summary>
    /// <remarks>
    /// A count first asked later that was the asker's own, or the shown count nearest it, changed where the asker's
    /// count crossed an edge, and checkups offer many names never shown, so an analyst walked a pad's aliases one
    /// known person at a time to find the pad's exact rows, then put a target's secret on that edge (attack reviews
    /// 19 and 20). A count drawn from the cell's own truth is the same whoever asks, so there is no edge to walk.
    /// </remarks>
    public double? Count(ShownCell asked, string name, long? count, Func<string, long, uint, double?> draw, (string Name, long Count)? sameAs = null) =>
        Figure(asked, name, () =>
        {
            // A count first asked as another's stand-in is that one's figure, and stays so for every cell that lands here.
            if (sameAs is { } other) return Count(asked, other.Name, other.Count, draw);
            var cell = asked.Root;
            if (cell.Truths.TryGetValue(name, out var truth)) return draw(name, truth, cell.Sketch.Key);
            if (count is { } own && _addedOrder.ContainsKey(cell)) return draw(name, own, cell.Sketch.Key);
            HidUnkept = true;
            return null;
        });

    private int Order(ShownCell cell) => shown.Number(cell) ?? shown.Count + _addedOrder[cell];
}
