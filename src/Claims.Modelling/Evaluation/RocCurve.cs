namespace Claims.Modelling.Evaluation;

/// <summary>
/// The ROC curve: one point (false positive rate, true positive rate) per distinct prediction, from the highest
/// down, between (0, 0) and (1, 1); members tied on a prediction move the curve together, as they count half in the AUC.
/// </summary>
public static class RocCurve
{
    public static IReadOnlyList<(double FalsePositiveRate, double TruePositiveRate)> Points(ReadOnlySpan<double> predicted, ReadOnlySpan<bool> observed)
    {
        var scores = predicted.ToArray();
        var outcomes = observed.ToArray();
        var order = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ToArray();
        double positives = outcomes.Count(o => o), negatives = outcomes.Length - positives;
        var points = new List<(double, double)> { (0, 0) };
        long truePositives = 0, falsePositives = 0;
        for (var i = 0; i < order.Length; i++)
        {
            if (outcomes[order[i]]) truePositives++;
            else falsePositives++;
            if (i + 1 == order.Length || scores[order[i + 1]] != scores[order[i]]) points.Add((falsePositives / negatives, truePositives / positives));
        }
        return points;
    }

    /// <summary>
    /// The ROC curve through the decile edges only, from the highest decile down, made from the deciles' counts as
    /// given: on restricted data the released ones, so the curve says nothing the calibration table does not (a
    /// curve through every member steps by one over the exact number of outcomes). Empty when a count is suppressed.
    /// </summary>
    public static IReadOnlyList<(double FalsePositiveRate, double TruePositiveRate)> ThroughDeciles(IReadOnlyList<CalibrationBin> bins)
    {
        if (bins.Any(b => b.Count is null || b.Observed is null || b.Observed > b.Count)) return [];
        double positives = bins.Sum(b => b.Observed!.Value), negatives = bins.Sum(b => b.Count!.Value - b.Observed!.Value);
        if (positives == 0 || negatives == 0) return [];
        var points = new List<(double, double)> { (0, 0) };
        double truePositives = 0, falsePositives = 0;
        foreach (var bin in bins.OrderByDescending(b => b.Bin))
        {
            truePositives += bin.Observed!.Value;
            falsePositives += bin.Count!.Value - bin.Observed.Value;
            points.Add((falsePositives / negatives, truePositives / positives));
        }
        return points;
    }
}
