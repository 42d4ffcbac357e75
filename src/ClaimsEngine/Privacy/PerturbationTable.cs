namespace Claims.Engine.Privacy;

/// <summary>
/// The perturbation table of the cell key method (Thompson, Broadfoot and Elazar 2013; the ptable R package): the
/// noise added to a count is an integer in [−D, D] drawn by the cell's key from a Gaussian of spread
/// <see cref="Sigma"/> cut at ±D, the same at every count, so it has mean zero and a documented variance.
/// A count is released only when both it and its perturbed value reach the threshold T: every count of 1 to T − 1
/// is suppressed, and so, by its key, is a count of T to T + D − 1 whose noise would take it below T. The edge of
/// suppression is therefore not an exact count: an analyst who watches a cell appear as patients are added learns
/// only that it holds somewhere from T to T + D − 1, and a released value is never 1 to T − 1.
/// </summary>
public sealed class PerturbationTable
{
    /// <summary>The largest noise, either way.</summary>
    public const int MaxNoise = 5;

    /// <summary>The spread of the Gaussian before it is cut and discretised.</summary>
    public const double Sigma = 2.0;

    private static readonly (int Noise, double Cumulative)[] s_row = Row();

    private readonly int _threshold;
    private readonly int _margin;

    /// <param name="threshold">Counts below it are never released.</param>
    /// <param name="margin">How far past the threshold a perturbed count must reach (<see cref="DisclosurePolicy.Margin"/>).</param>
    public PerturbationTable(int threshold, int margin = 0) => (_threshold, _margin) = (threshold, margin);

    /// <summary>The noise distribution, the same for every count.</summary>
    public static IReadOnlyList<(int Noise, double Probability)> Distribution =>
        s_row.Select((r, i) => (r.Noise, r.Cumulative - (i == 0 ? 0 : s_row[i - 1].Cumulative))).ToArray();

    /// <summary>The noise's variance (the documented spread).</summary>
    public static double Variance => Distribution.Sum(p => p.Noise * (double)p.Noise * p.Probability);

    /// <summary>The noise drawn by a uniform draw in [0, 1) taken from a figure's key.</summary>
    public static int Noise(double uniform)
    {
        foreach (var (noise, cumulative) in s_row)
            if (uniform < cumulative) return noise;
        return MaxNoise;
    }

    /// <summary>
    /// A positive count as released: perturbed, or null (suppressed) when it is below the threshold or its perturbed
    /// value below the threshold plus the margin.
    /// </summary>
    public long? Perturb(long count, double uniform)
    {
        if (count < _threshold) return null;
        var released = count + Noise(uniform);
        return released < _threshold + _margin ? null : released;
    }

    private static (int Noise, double Cumulative)[] Row()
    {
        var noises = Enumerable.Range(-MaxNoise, 2 * MaxNoise + 1).ToArray();
        var weights = noises.Select(s => Math.Exp(-s * s / (2 * Sigma * Sigma))).ToArray();
        var total = weights.Sum();
        var sum = 0.0;
        var row = noises.Select((s, i) => (s, sum += weights[i] / total)).ToArray();
        row[^1].Item2 = 1.0;
        return row;
    }
}
