using Claims.Engine.Query;

namespace Claims.Engine.Privacy;

/// <summary>
/// Perturbs the figures of one cell (a group's row) by its cell key, and notes each figure's key as spent. Counts
/// go through the perturbation table; sums move by the top contributor times a draw; an average is the perturbed
/// sum over the perturbed count of its values, so it agrees with the sum and count released beside it.
/// </summary>
internal sealed class CellPerturbation(DisclosurePolicy policy, RecordKeys keys, uint cellKey, ISet<ulong> spent)
{
    /// <summary>The released value of an aggregate whose true value is <paramref name="value"/> (null stays null: a sum over no values).</summary>
    public object? Figure(Aggregate aggregate, object? value, Magnitude? magnitude) => (aggregate.Kind, value, magnitude) switch
    {
        (_, null, _) => null,
        (AggregateKind.Count or AggregateKind.CountDistinct, long count, _) => Count(count),
        (AggregateKind.Sum, long, { } m) => (long)Math.Round(Sum(m)),
        (AggregateKind.Sum, double, { } m) => Sum(m),
        (AggregateKind.Avg, _, { } m) => Sum(m) / Count(m.Values),
        _ => throw new InvalidOperationException($"{aggregate.Kind} is not released from restricted data"),
    };

    public long Count(long count)
    {
        // Zero names nobody and is released as it is; below the threshold a count was suppressed before it came here.
        if (count == 0) return 0;
        var key = Spend(keys.FigureKey(cellKey, Privacy.Figure.Count, count));
        return policy.Noise.Perturb(count, Uniform(key));
    }

    private double Sum(Magnitude magnitude)
    {
        var key = Spend(keys.FigureKey(cellKey, Privacy.Figure.Sum, BitConverter.DoubleToInt64Bits(magnitude.Sum)));
        return MagnitudeNoise.Perturb(magnitude.Sum, magnitude.Top, key);
    }

    private ulong Spend(ulong key)
    {
        spent.Add(key);
        return key;
    }

    private static double Uniform(ulong key) => (key >> 11) * (1.0 / (1UL << 53));
}
