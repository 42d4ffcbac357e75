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
}
