using Claims.Engine.Query;

namespace Claims.Engine.Privacy;

/// <summary>
/// Perturbs the figures of one cell (a group's row, or one attrition count) by its cell key. Counts go through the perturbation table and are suppressed (null) where they or
/// their perturbed value fall below the threshold, zero included: a 0 shown apart from a suppressed 1 would answer
/// "does anyone here have it?". Sums move by the top contributor times a count-sized draw; an average is the
/// perturbed sum over the perturbed count of its values, so it agrees with the sum and count released beside it.
/// </summary>
internal sealed class CellPerturbation(DisclosurePolicy policy, RecordKeys keys, uint cellKey, int position = 0)
{
    /// <summary>
    /// The released value of an aggregate whose true value is <paramref name="value"/> in a cell that is shown (its
    /// own count of patients, or that of the cell it borrows from, was released), or null where it is suppressed.
    /// A count of the threshold or more is not suppressed for its perturbed value there but shown as at least the
    /// threshold: a cell shown for the patients of a near cell and then x for its own draw said that it was not
    /// that cell (a pad shown for a sum, then the pad and one person x for their patient count, proved the person
    /// was there: attack review 18, 19 of 19 with I).
    /// </summary>
    public object? Figure(Aggregate aggregate, object? value, Magnitude? magnitude) => (aggregate.Kind, value, magnitude) switch
    {
        (_, null, _) => null,
        (AggregateKind.Count or AggregateKind.CountDistinct, long count, _) => ShownCount(count),
        (AggregateKind.Sum, long, { } m) => (long)Math.Round(Sum(m)),
        (AggregateKind.Sum, double, { } m) => Sum(m),
        (AggregateKind.Avg, _, { } m) => ShownCount(m.Values) is { } values ? Sum(m) / values : null,
        _ => null,
    };

    public long? Count(long count)
    {
        return policy.Noise.Perturb(count, Uniform(CountKey(count)));
    }

    private long? ShownCount(long count) =>
        count < policy.Threshold ? null : Math.Max(policy.Threshold, count + PerturbationTable.Noise(Uniform(CountKey(count))));

    private ulong CountKey(long count) => keys.FigureKey(cellKey, Privacy.Figure.Count, count, position);

    private double Sum(Magnitude magnitude)
    {
        var key = keys.FigureKey(cellKey, Privacy.Figure.Sum, BitConverter.DoubleToInt64Bits(magnitude.Sum), position);
        return MagnitudeNoise.Perturb(magnitude.Sum, magnitude.Top, key);
    }

    public static double Uniform(ulong key) => (key >> 11) * (1.0 / (1UL << 53));
}
