namespace Claims.Engine.Privacy;

/// <summary>
/// Noise for a released sum (and so an average): the cell's largest single value (the top contributor, the
/// one an attacker subtracting cells would learn) times a draw from the triangular distribution on [−1, 1], taken
/// from the figure's key. Its mean is zero and its standard deviation is top/√6 ≈ 0.41·top, so a cell's sum hides
/// any one row's value while a large cell's total moves by a small fraction.
/// </summary>
public static class MagnitudeNoise
{
    /// <summary>The noise's standard deviation as a share of the top contributor.</summary>
    public static readonly double Spread = 1 / Math.Sqrt(6);

    public static double Perturb(double sum, double top, ulong key)
    {
        var (a, b) = ((uint)key * (1.0 / (1UL << 32)), (uint)(key >> 32) * (1.0 / (1UL << 32)));
        return sum + Math.Abs(top) * (a + b - 1);
    }
}
