namespace Claims.Engine.Privacy;

/// <summary>
/// Perturbs the figures of one cell (a group's row, or one attrition count) by its cell key. Counts go through the
/// perturbation table and are suppressed (null) where they or their perturbed value fall below the threshold, zero
/// included: a 0 shown apart from a suppressed 1 would answer "does anyone here have it?". Sums move by a Laplace
/// draw sized by the column's cap on what one patient adds (<see cref="MagnitudeNoise"/>).
/// </summary>
/// <remarks>
/// Each count draws by its name: counts of one true value sharing a draw whatever they were named said, by being
/// equal or not, whether their true values were (count of rows and of admission dates over admitted claims and one
/// person's outpatient claims with a diagnosis: attack review 21, 174 of 188). Counts the schema makes equal are one
/// name (<see cref="ShownCell.FigureName"/>), and a count of a column's values where too few patients have rows
/// without one is shown as the count of rows (<see cref="DisclosureControl"/>), so names of one true value are few.
/// Counts of patients (the cell's own size, as a query's distinct count, a cohort's step or the cell's own decision)
/// draw apart from counts of rows, so that no count of rows is a draw of the cell's size. A sum draws by its name too.
/// </remarks>
internal sealed class CellPerturbation(DisclosurePolicy policy, RecordKeys keys, uint cellKey, int position = 0)
{
    /// <summary>
    /// The draw that decides whether a cell of <paramref name="count"/> records is shown by its own count, and whether
    /// it is near cells at the perturbed edge (<see cref="CellHistory.Decide"/>); no figure is drawn with it.
    /// </summary>
    public double CountUniform(long count) => Uniform(CountKey(count));

    /// <summary>
    /// The released count named <paramref name="name"/> of a cell that is shown (its own count of patients, or that of
    /// the cell it borrows from, was released), or null where it is suppressed. A count of the threshold or more is
    /// not suppressed for its perturbed value there but shown as at least the threshold: a cell shown for the
    /// patients of a near cell and then x for its own draw said that it was not that cell (a pad shown for a sum,
    /// then the pad and one person x for their patient count, proved the person was there: attack review 18). Drawn
    /// apart from the draw that decided the cell (<see cref="CountUniform"/>), a count of patients included: that
    /// draw also decides whether the cell is near a small kept one, so a figure of it shown said its noise was past
    /// a point the analyst set, and the least of a few figures of a small set with 10 known people added gave the
    /// set's size exactly (attack review 24: 49 of 60; 52 of 60 with a margin of 5).
    /// </summary>
    public long? ShownCount(long count, string name) =>
        count < policy.Threshold ? null : Math.Max(policy.Threshold, count + PerturbationTable.Noise(Uniform(keys.FigureKey(cellKey, name == ShownCell.Patients ? Figure.Count : Figure.Rows, count, position, name))));

    /// <summary>A count named <paramref name="name"/> of the cell keyed by <paramref name="otherKey"/>, as <see cref="ShownCount"/> releases it.</summary>
    public double? Draw(string name, long count, uint otherKey) => Of(otherKey).ShownCount(count, name);

    /// <summary>The same perturbation of another cell, keyed by <paramref name="otherKey"/>.</summary>
    public CellPerturbation Of(uint otherKey) => new(policy, keys, otherKey, position);

    /// <summary>The released sum named <paramref name="name"/>, rounded where its column holds whole numbers.</summary>
    public double Sum(string name, Magnitude magnitude, bool whole)
    {
        var key = keys.FigureKey(cellKey, Figure.Sum, BitConverter.DoubleToInt64Bits(magnitude.Sum), position, name);
        var sum = MagnitudeNoise.Perturb(magnitude.Sum, magnitude.Scale, key);
        return whole ? Math.Round(sum) : sum;
    }

    private ulong CountKey(long count) => keys.FigureKey(cellKey, Figure.Count, count, position);

    /// <summary>
    /// The noise a kept cell's family (a root and its aliases, by <paramref name="rootKey"/>) adds to its distance
    /// from an asking cell whose count draw is <paramref name="uniform"/>, which chooses the cell it lands on
    /// (<see cref="CellHistory"/>). Drawn from that secret draw, it is as unknown to the analyst, and the same
    /// whenever the same patients ask.
    /// </summary>
    public static int LandingNoise(double uniform, uint rootKey)
    {
        Span<byte> bytes = stackalloc byte[sizeof(long) + sizeof(uint)];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes, BitConverter.DoubleToInt64Bits(uniform));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes[sizeof(long)..], rootKey);
        return PerturbationTable.Noise(Uniform(System.IO.Hashing.XxHash3.HashToUInt64(bytes)));
    }

    public static double Uniform(ulong key) => (key >> 11) * (1.0 / (1UL << 53));
}
