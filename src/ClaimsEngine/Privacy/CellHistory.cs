namespace Claims.Engine.Privacy;

/// <summary>
/// The differencing rule for perturbed figures. The cell key method answers the same records with the same noise,
/// so two cells shown with equal figures tell that they hold the same patients, and unequal ones that they do not:
/// a count for a prefecture and the same count without "aged 67, male" says whether that one person has the
/// diagnosis. So a cell is shown only if its records are far from those of every cell the project was shown
/// before, in this release or earlier ones, unless it is the very same question asked again (which must get the
/// same answer). Near is decided as a count of the records between the two cells is: a difference shown as
/// <see cref="DisclosurePolicy.Marker"/> by the count rule (none, 1 to threshold − 1, and by its key sometimes
/// up to threshold + <see cref="PerturbationTable.MaxNoise"/> − 1) is near. Identical and slightly different
/// cells are both withheld, so whether a cell appears never separates "nobody between them" from "a few".
/// </summary>
internal sealed class CellHistory(ShownCells shown, DisclosurePolicy policy, RecordKeys keys)
{
    private readonly Dictionary<long, List<ShownCell>> _added = [];

    /// <summary>The cells this release shows for the first time, for the ledger to keep.</summary>
    public List<ShownCell> Added { get; } = [];

    /// <summary>Whether <paramref name="cell"/> may be shown; if it may, it joins the cells that later ones are compared with.</summary>
    public bool Admit(ShownCell cell)
    {
        // Two cells at least this far apart in size cannot be near.
        var limit = policy.Threshold + PerturbationTable.MaxNoise - 1;
        var repeat = false;
        for (var units = cell.Units - limit; units <= cell.Units + limit; units++)
        {
            foreach (var other in shown.WithUnits(units).Concat(_added.GetValueOrDefault(units) ?? []))
            {
                if (CellSketch.Difference(cell.Sketch, other.Sketch, limit) is not { } between) continue;
                if (between.Size == 0 && other.Question == cell.Question) repeat = true;
                else if (Near(between.Size, between.Key)) return false;
            }
        }
        if (repeat) return true;
        if (!_added.TryGetValue(cell.Units, out var same)) _added[cell.Units] = same = [];
        same.Add(cell);
        Added.Add(cell);
        return true;
    }

    private bool Near(int size, uint key) =>
        policy.Noise.Perturb(size, CellPerturbation.Uniform(keys.FigureKey(key, Figure.Difference, size))) is null;
}
