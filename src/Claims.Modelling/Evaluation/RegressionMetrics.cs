namespace Claims.Modelling.Evaluation;

/// <summary>The metrics of <see cref="RegressionReport"/>, computed from predicted and observed quantities.</summary>
internal static class RegressionMetrics
{
    public static RegressionReport Compute(ReadOnlySpan<double> predicted, ReadOnlySpan<double> observed)
    {
        if (predicted.Length != observed.Length)
            throw new ArgumentException($"{predicted.Length} predictions for {observed.Length} outcomes: there must be one prediction per outcome");
        if (predicted.Length == 0) throw new ArgumentException("no predictions to evaluate");
        var n = predicted.Length;
        double mean = 0;
        foreach (var y in observed) mean += y;
        mean /= n;
        double squares = 0, absolutes = 0, total = 0;
        for (var i = 0; i < n; i++)
        {
            var error = predicted[i] - observed[i];
            squares += error * error;
            absolutes += Math.Abs(error);
            total += (observed[i] - mean) * (observed[i] - mean);
        }
        // Every member alike: no variance to explain, and a model that predicts it exactly explains all there is.
        var rSquared = total == 0 ? (squares == 0 ? 1 : 0) : 1 - squares / total;
        return new RegressionReport(n, mean, Math.Sqrt(squares / n), absolutes / n, rSquared, Calibration(predicted.ToArray(), observed.ToArray()));
    }

    /// <summary>Deciles by prediction, ties broken by the observed value, so no figure depends on the order of the members.</summary>
    private static List<RegressionBin> Calibration(double[] predicted, double[] observed) =>
        Deciles(predicted, observed).Select(d => new RegressionBin(d.Bin, d.Members.Length, d.Members.Average(m => predicted[m]), d.Members.Average(m => observed[m]))).ToList();

    /// <summary>The members (indices into <paramref name="predicted"/>) of each non-empty tenth by prediction, ties broken by the observed value.</summary>
    public static IEnumerable<(int Bin, int[] Members)> Deciles(double[] predicted, double[] observed)
    {
        var order = Enumerable.Range(0, predicted.Length).ToArray();
        Array.Sort(order, (i, j) => predicted[i] != predicted[j] ? predicted[i].CompareTo(predicted[j]) : observed[i].CompareTo(observed[j]));
        for (var b = 0; b < 10; b++)
        {
            var (from, to) = ((int)((long)b * order.Length / 10), (int)((long)(b + 1) * order.Length / 10));
            if (to > from) yield return (b + 1, order[from..to]);
        }
    }
}
