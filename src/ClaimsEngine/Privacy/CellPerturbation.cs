namespace Claims.Engine.Privacy;

/// <summary>
/// Perturbs the figures of one cell (a group's row, or one attrition count) by its cell key. Counts go through the
/// perturbation table and are suppressed (null) where they or their perturbed value fall below the threshold, zero
/// included: a 0 shown apart from a suppressed 1 would answer "does anyone here have it?". Sums move by the top
/// contributor times a count-sized draw.
/// </summary>
/// <remarks>
/// Counts of rows of one true value share a draw whatever they are named (rows, claims, values of a filled column),
/// so asking one cell many of them cannot average the noise away; that a count the cell never showed then equals
/// one it showed exactly when the true values agree is answered by <see cref="CellHistory.Rows"/>. Counts of
/// patients (the cell's own size, as a query's distinct count, a cohort's step or the cell's own decision) draw
/// apart from counts of rows, so that no count of rows is a draw of the cell's size. A sum draws by its name too:
/// two columns with equal sums are no reason to share noise.
/// </remarks>
internal sealed class CellPerturbation(DisclosurePolicy policy, RecordKeys keys, uint cellKey, int position = 0)
{
    /// <summary>The cell's count of <paramref name="count"/> records perturbed by the table, null where it is suppressed: what decides whether a cell is shown.</summary>
    public long? Count(long count) => policy.Noise.Perturb(count, Uniform(CountKey(count)));

    /// <summary>
    /// The released count of a cell that is shown (its own count of patients, or that of
    /// the cell it borrows from, was released), or null where it is suppressed. A count of the threshold or more is
    /// not suppressed for its perturbed value there but shown as at least the threshold: a cell shown for the
    /// patients of a near cell and then x for its own draw said that it was not that cell (a pad shown for a sum,
    /// then the pad and one person x for their patient count, proved the person was there: attack review 18).
    /// </summary>
    public long? ShownCount(long count, bool patients) =>
        count < policy.Threshold ? null : Math.Max(policy.Threshold, count + PerturbationTable.Noise(Uniform(patients ? CountKey(count) : keys.FigureKey(cellKey, Figure.Rows, count, position))));

    /// <summary>The same perturbation of another cell, keyed by <paramref name="otherKey"/>.</summary>
    public CellPerturbation Of(uint otherKey) => new(policy, keys, otherKey, position);

    /// <summary>The released sum named <paramref name="name"/>, rounded where its column holds whole numbers.</summary>
    public double Sum(string name, Magnitude magnitude, bool whole)
    {
        var key = keys.FigureKey(cellKey, Figure.Sum, BitConverter.DoubleToInt64Bits(magnitude.Sum), position, name);
        var sum = MagnitudeNoise.Perturb(magnitude.Sum, magnitude.Top, key);
        return whole ? Math.Round(sum) : sum;
    }

    private ulong CountKey(long count) => keys.FigureKey(cellKey, Figure.Count, count, position);

    public static double Uniform(ulong key) => (key >> 11) * (1.0 / (1UL << 53));
}
