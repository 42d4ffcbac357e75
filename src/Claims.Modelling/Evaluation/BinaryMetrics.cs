namespace Claims.Modelling.Evaluation;

/// <summary>The metrics of <see cref="BinaryReport"/>, computed from predicted probabilities and outcomes.</summary>
public static class BinaryMetrics
{
    private const int Bins = 10;

    public static BinaryReport Compute(ReadOnlySpan<double> predicted, ReadOnlySpan<bool> observed)
    {
        if (predicted.Length != observed.Length)
            throw new ArgumentException($"{predicted.Length} predictions for {observed.Length} outcomes");
        if (predicted.Length == 0) throw new ArgumentException("no predictions to evaluate");
        foreach (var p in predicted)
            if (!(p >= 0 && p <= 1)) throw new ArgumentException($"a prediction of {p} is not a probability");
        var positives = 0L;
        foreach (var o in observed) if (o) positives++;
        if (positives == 0 || positives == observed.Length)
            throw new ArgumentException($"every one of the {observed.Length} outcomes is {(positives == 0 ? "negative" : "positive")}: discrimination is undefined with one class");

        // Descending by prediction; members tied on a prediction are one step of the curves, so order never matters.
        var order = Enumerable.Range(0, predicted.Length).ToArray();
        var scores = predicted.ToArray();
        Array.Sort(order, (a, b) => scores[b].CompareTo(scores[a]));
        var negatives = predicted.Length - positives;
        double rankArea = 0, precisionSum = 0;
        long truePositives = 0, falsePositives = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            long tiedPositives = 0, tiedNegatives = 0;
            for (; end < order.Length && scores[order[end]] == scores[order[start]]; end++)
            {
                if (observed[order[end]]) tiedPositives++;
                else tiedNegatives++;
            }
            // Each positive outranks the negatives below it, and half of those tied with it (Mann–Whitney).
            rankArea += tiedPositives * (negatives - falsePositives - tiedNegatives + tiedNegatives / 2.0);
            truePositives += tiedPositives;
            falsePositives += tiedNegatives;
            precisionSum += tiedPositives * (truePositives / (double)(truePositives + falsePositives));
            start = end;
        }

        double brier = 0, logLoss = 0;
        for (var i = 0; i < predicted.Length; i++)
        {
            var y = observed[i] ? 1.0 : 0.0;
            var p = Math.Clamp(predicted[i], 1e-15, 1 - 1e-15);
            brier += (predicted[i] - y) * (predicted[i] - y);
            logLoss -= y * Math.Log(p) + (1 - y) * Math.Log(1 - p);
        }
        var (slope, intercept) = Recalibration(predicted, observed);
        return new BinaryReport(predicted.Length, positives, rankArea / (positives * (double)negatives), precisionSum / positives,
            brier / predicted.Length, logLoss / predicted.Length, Calibration(predicted, observed), slope, intercept);
    }

    /// <summary>Deciles of the prediction, ascending: bin i holds the members ranked [i·n/10, (i+1)·n/10).</summary>
    private static List<CalibrationBin> Calibration(ReadOnlySpan<double> predicted, ReadOnlySpan<bool> observed)
    {
        var scores = predicted.ToArray();
        var order = Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ThenBy(i => i).ToArray();
        var bins = new List<CalibrationBin>(Bins);
        for (var b = 0; b < Bins; b++)
        {
            var (from, to) = ((int)((long)b * order.Length / Bins), (int)((long)(b + 1) * order.Length / Bins));
            if (to == from) continue;
            double sum = 0;
            long positives = 0;
            for (var i = from; i < to; i++)
            {
                sum += scores[order[i]];
                if (observed[order[i]]) positives++;
            }
            bins.Add(new CalibrationBin(b + 1, to - from, positives, sum / (to - from), positives / (double)(to - from)));
        }
        return bins;
    }

    /// <summary>
    /// Maximum likelihood of logit P(y) = a + b·logit(p) by Newton–Raphson: the two-parameter logistic regression has
    /// a concave likelihood, so Newton converges from (0, 1) in a few steps; predictions of exactly 0 or 1 are clipped.
    /// </summary>
    private static (double Slope, double Intercept) Recalibration(ReadOnlySpan<double> predicted, ReadOnlySpan<bool> observed)
    {
        var x = new double[predicted.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var p = Math.Clamp(predicted[i], 1e-15, 1 - 1e-15);
            x[i] = Math.Log(p / (1 - p));
        }
        double a = 0, b = 1;
        for (var iteration = 0; iteration < 50; iteration++)
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
            if (determinant <= 0) break;
            var da = (hbb * ga - hab * gb) / determinant;
            var db = (haa * gb - hab * ga) / determinant;
            a += da;
            b += db;
            if (Math.Abs(da) < 1e-10 && Math.Abs(db) < 1e-10) break;
        }
        return (b, a);
    }
}
