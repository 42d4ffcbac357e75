namespace Claims.Engine.Privacy;

/// <summary>
/// Noise for a released sum (and so an average): a Laplace draw of width <see cref="Width"/> times the sum's scale,
/// the column's cap on what one patient adds (<see cref="ContributionCap"/>), to which each patient's total in the
/// cell is clipped (<see cref="UnitTotals"/>). Mean zero; standard deviation √2 × 1.4 ≈ 1.98 × the cap.
/// </summary>
/// <remarks>
/// Laplace, not the count's table: noise cut at ±5.5 × the scale left sums only a patient's value could reach, so a
/// cell of zeros beside a person with a value up to the scale was proved by any sum past ±5.5 (attack review 22). A
/// Laplace draw reaches every value, and with every patient's total clipped to the cap, a patient there or not
/// changes how likely any released sum is by at most e^(1 / 1.4) ≈ 2.04 per release (the Laplace mechanism at
/// ε ≈ 0.71); releases add up, and the budget bounds them. The scale is no cell's data, so its width says nothing.
/// </remarks>
internal static class MagnitudeNoise
{
    /// <summary>The Laplace draw's width (its b) as a multiple of the scale.</summary>
    public const double Width = 1.4;

    /// <summary>The noise's standard deviation as a multiple of the scale.</summary>
    public static double Spread => Math.Sqrt(2) * Width;

    public static double Perturb(double sum, double scale, ulong key)
    {
        // Uniform in (−½, ½), never 0 nor ±½: every draw moves the sum, and by a finite amount.
        var uniform = ((key >> 11) + 0.5) * (1.0 / (1UL << 53)) - 0.5;
        return sum - Math.Max(Math.Abs(scale), 1) * Width * Math.Sign(uniform) * Math.Log(1 - 2 * Math.Abs(uniform));
    }
}
