namespace Claims.Modelling.Evaluation;

/// <summary>
/// The maximum-likelihood fit of logit P(y = 1) = a + b·logit(p), by Newton–Raphson with step halving.
/// </summary>
internal static class LogisticRecalibration
{
    private const int MaxIterations = 50;
    private const double Tolerance = 1e-10;
    private const int MaxHalvings = 40;

    public static (double Slope, double Intercept) Fit(double[] predicted, bool[] observed)
    {
        var x = new double[predicted.Length];
        for (var i = 0; i < x.Length; i++) x[i] = Logit(Math.Clamp(predicted[i], BinaryMetrics.Clip, 1 - BinaryMetrics.Clip));
        // Start from the intercept-only fit rather than from the calibrated (0, 1): there every member has the weight
        // rate·(1 − rate), where at (0, 1) predictions of 0 or 1 (logit ±34.5) have weights near 1e-15, the Hessian is
        // nearly singular and the first Newton step lands some 10¹³ away.
        double a = Logit(observed.Count(o => o) / (double)observed.Length), b = 0;
        // One distinct prediction: every line through (x₀, a) is a maximum, so the slope is not identified. The start is
        // one of them, and its slope 0 says what is true: these predictions rank no one.
        if (!x.AsSpan().ContainsAnyExcept(x[0])) return (b, a);
        var likelihood = LogLikelihood(x, observed, a, b);
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            double ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
            for (var i = 0; i < x.Length; i++)
            {
                var q = 1 / (1 + Math.Exp(-(a + b * x[i])));
                var r = (observed[i] ? 1 : 0) - q;
                var w = q * (1 - q);
                ga += r;
                gb += r * x[i];
                haa += w;
                hab += w * x[i];
                hbb += w * x[i] * x[i];
            }
            var determinant = haa * hbb - hab * hab;
            // The fitted probabilities have saturated at 0 or 1 (outcomes separated by the prediction): no step is left to take.
            if (!(determinant > 0)) break;
            var da = (hbb * ga - hab * gb) / determinant;
            var db = (haa * gb - hab * ga) / determinant;
            // Newton can still overshoot on a likelihood this far from quadratic, so halve the step until the likelihood
            // does not fall. The slack is rounding in a sum of n terms, which near the maximum is as large as the gain.
            var step = 1.0;
            var next = LogLikelihood(x, observed, a + da, b + db);
            for (var halving = 0; next < likelihood - 1e-12 * Math.Abs(likelihood); halving++)
            {
                if (halving == MaxHalvings) return (b, a);
                step /= 2;
                next = LogLikelihood(x, observed, a + step * da, b + step * db);
            }
            a += step * da;
            b += step * db;
            likelihood = next;
            if (Math.Abs(step * da) < Tolerance && Math.Abs(step * db) < Tolerance) break;
        }
        return (b, a);
    }

    private static double Logit(double p) => Math.Log(p / (1 - p));

    /// <summary>Σ y·η − log(1 + e^η), written so that neither exponential overflows.</summary>
    private static double LogLikelihood(double[] x, bool[] observed, double a, double b)
    {
        double sum = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var eta = a + b * x[i];
            sum += (observed[i] ? eta : 0) - (Math.Max(eta, 0) + double.LogP1(Math.Exp(-Math.Abs(eta))));
        }
        return sum;
    }
}
