namespace Claims.SyntheticGen.Population;

/// <summary>The standard normal CDF (Abramowitz–Stegun 7.1.26 through erf; absolute error below 1.5e-7).</summary>
public static class Normal
{
    public static double Cdf(double x)
    {
        var z = Math.Abs(x) / Math.Sqrt(2);
        var t = 1 / (1 + 0.3275911 * z);
        var erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-z * z);
        return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
