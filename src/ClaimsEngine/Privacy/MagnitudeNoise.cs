namespace Claims.Engine.Privacy;

/// <summary>
/// Noise for a released sum (and so an average): the cell's largest single value in magnitude (the top contributor,
/// the one an attacker subtracting cells would learn) times a draw as wide as a count's, the perturbation table's
/// integer noise plus a uniform jitter in [−½, ½) so no draw is exactly zero. A sum of a column that is 1 on every
/// row is a row count, and gets a count's noise; a sum of points hides any one claim's points. Mean zero; standard
/// deviation √(3.81 + 1/12) ≈ 1.97 × top.
/// </summary>
/// <remarks>
/// The scale is never below one unit of the column: a sum of zeros had a top of 0 and came out exactly 0, so the
/// non-drinkers of half the country with one person's checkup added where it held a secret said, by any figure but
/// 0, that it did (attack review 21: 117 of 137). With the floor, a sum of zeros is noise like any other.
/// </remarks>
internal static class MagnitudeNoise
{
    /// <summary>The noise's standard deviation as a multiple of the top contributor.</summary>
    public static double Spread => Math.Sqrt(PerturbationTable.Variance + 1.0 / 12);

    public static double Perturb(double sum, double top, ulong key)
    {
        var noise = PerturbationTable.Noise((uint)key * (1.0 / (1UL << 32)));
        var jitter = (uint)(key >> 32) * (1.0 / (1UL << 32)) - 0.5;
        return sum + Math.Max(Math.Abs(top), 1) * (noise + jitter);
    }
}
