namespace Claims.Engine.Privacy;

/// <summary>
/// The perturbation table of the cell key method (Thompson, Broadfoot and Elazar 2013; the ptable R package): for a
/// count n at or above the threshold T, the noise added is an integer in [max(−D, T − n), D] drawn by the cell's
/// key. Far from the threshold its distribution is a Gaussian of spread <see cref="Sigma"/> cut at ±D; near it the
/// distribution is tilted (p(s) ∝ g(s)·e^{λs}) so that its mean stays zero while no count is pushed below T. A
/// released count is therefore never 1 to T − 1, and is unbiased at every n. At n = T the only noise with mean
/// zero and n + s ≥ T is 0, so a count at the threshold is released as it is; seen from outside, a released T may
/// still be T, T + 1, … T + D.
/// </summary>
public sealed class PerturbationTable
{
    /// <summary>The largest noise, either way.</summary>
    public const int MaxNoise = 5;

    /// <summary>The spread of the Gaussian before it is cut and discretised.</summary>
    public const double Sigma = 2.0;

    private readonly int _threshold;
    // Index min(n − T, D): every count D or more above the threshold shares the untilted row.
    private readonly (int Noise, double Cumulative)[][] _rows;

    public PerturbationTable(int threshold)
    {
        _threshold = threshold;
        _rows = Enumerable.Range(0, MaxNoise + 1).Select(above => Cumulative(Row(-Math.Min(above, MaxNoise)))).ToArray();
    }

    /// <summary>The noise distribution for a count of <paramref name="count"/> (at least the threshold).</summary>
    public IReadOnlyList<(int Noise, double Probability)> Distribution(long count)
    {
        var row = RowFor(count);
        return row.Select((r, i) => (r.Noise, r.Cumulative - (i == 0 ? 0 : row[i - 1].Cumulative))).ToArray();
    }

    /// <summary>The noise's variance far from the threshold (the documented spread).</summary>
    public double Variance => Distribution(_threshold + MaxNoise).Sum(p => p.Noise * (double)p.Noise * p.Probability);

    /// <summary>A count at or above the threshold, perturbed by a uniform draw in [0, 1) taken from its cell key.</summary>
    public long Perturb(long count, double uniform)
    {
        if (count < _threshold) throw new ArgumentOutOfRangeException(nameof(count), "counts below the threshold are suppressed, never perturbed");
        foreach (var (noise, cumulative) in RowFor(count))
            if (uniform < cumulative) return count + noise;
        return count + MaxNoise;
    }

    private (int Noise, double Cumulative)[] RowFor(long count) => _rows[(int)Math.Min(count - _threshold, MaxNoise)];

    /// <summary>Probabilities for noise from <paramref name="lowest"/> to D, tilted to mean zero.</summary>
    private static (int Noise, double Probability)[] Row(int lowest)
    {
        var noises = Enumerable.Range(lowest, MaxNoise - lowest + 1).ToArray();
        if (lowest == 0) return [(0, 1.0)];
        double[] Weights(double tilt)
        {
            var w = noises.Select(s => Math.Exp(-s * s / (2 * Sigma * Sigma) + tilt * s)).ToArray();
            var total = w.Sum();
            return w.Select(x => x / total).ToArray();
        }
        double Mean(double tilt) => Weights(tilt).Select((p, i) => p * noises[i]).Sum();
        // The mean rises with the tilt; the support holds both signs, so a root lies between these bounds.
        double low = -50, high = 50;
        for (var i = 0; i < 200; i++)
        {
            var middle = (low + high) / 2;
            if (Mean(middle) > 0) high = middle;
            else low = middle;
        }
        var weights = Weights((low + high) / 2);
        return noises.Select((s, i) => (s, weights[i])).ToArray();
    }

    private static (int Noise, double Cumulative)[] Cumulative((int Noise, double Probability)[] row)
    {
        var sum = 0.0;
        var result = row.Select(r => (r.Noise, sum += r.Probability)).ToArray();
        result[^1].Item2 = 1.0;
        return result;
    }
}
