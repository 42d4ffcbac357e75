namespace Claims.Modelling.Evaluation;

/// <summary>The metrics of <see cref="BinaryReport"/>, computed from predicted probabilities and outcomes.</summary>
internal static class BinaryMetrics
{
    private const int Bins = 10;

    // A prediction of exactly 0 or 1 that turned out wrong would make the log loss infinite and say nothing about the rest.
    internal const double Clip = 1e-15;

    public static BinaryReport Compute(ReadOnlySpan<double> predicted, ReadOnlySpan<bool> observed)
    {
        var positives = Check(predicted, observed);
        var scores = predicted.ToArray();
        var outcomes = observed.ToArray();
        var order = Ascending(scores, outcomes);
        var (aucRoc, aucPr) = Discrimination(scores, outcomes, order, positives);
        double brier = 0, logLoss = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var y = outcomes[i] ? 1.0 : 0.0;
            var p = Math.Clamp(scores[i], Clip, 1 - Clip);
            brier += (scores[i] - y) * (scores[i] - y);
            logLoss -= y * Math.Log(p) + (1 - y) * Math.Log(1 - p);
        }
        var (slope, intercept) = LogisticRecalibration.Fit(scores, outcomes);
        return new BinaryReport(scores.Length, positives, aucRoc, aucPr, brier / scores.Length, logLoss / scores.Length,
            Calibration(scores, outcomes, order), slope, intercept);
    }

    /// <summary>The number of positives, once the input is known to be judgeable.</summary>
    private static long Check(ReadOnlySpan<double> predicted, ReadOnlySpan<bool> observed)
    {
        if (predicted.Length != observed.Length)
            throw new ArgumentException($"{predicted.Length} predictions for {observed.Length} outcomes: there must be one prediction per outcome");
        if (predicted.Length == 0) throw new ArgumentException("no predictions to evaluate");
        for (var i = 0; i < predicted.Length; i++)
            if (!(predicted[i] >= 0 && predicted[i] <= 1))
                throw new ArgumentException($"prediction {i} is {predicted[i]}, which is not a probability in [0, 1]");
        var positives = (long)observed.Count(true);
        if (positives == 0 || positives == observed.Length)
            throw new ArgumentException(
                $"every one of the {observed.Length} outcomes is {(positives == 0 ? "negative" : "positive")}: with one class the AUC is undefined");
        return positives;
    }

    /// <summary>
    /// Indices by ascending prediction, ties broken negatives first: the tie-break is arbitrary, but a fixed one keeps
    /// the deciles (which may cut through a tie) independent of the order the members came in.
    /// </summary>
    private static int[] Ascending(double[] scores, bool[] outcomes)
    {
        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (i, j) => scores[i] != scores[j] ? scores[i].CompareTo(scores[j]) : outcomes[i].CompareTo(outcomes[j]));
        return order;
    }

    /// <summary>AUC-ROC and average precision in one pass from the highest prediction down, a tied group at a time.</summary>
    private static (double AucRoc, double AucPr) Discrimination(double[] scores, bool[] outcomes, int[] order, long positives)
    {
        var negatives = scores.Length - positives;
        long truePositives = 0, falsePositives = 0;
        double pairs = 0, precisionSum = 0;
        for (var end = order.Length; end > 0;)
        {
            var start = end - 1;
            while (start > 0 && scores[order[start - 1]] == scores[order[end - 1]]) start--;
            long tiedPositives = 0;
            for (var k = start; k < end; k++) if (outcomes[order[k]]) tiedPositives++;
            var tiedNegatives = end - start - tiedPositives;
            // A positive outranks every negative below it and wins half its ties with the negatives beside it (Mann–Whitney).
            pairs += tiedPositives * (negatives - falsePositives - tiedNegatives + tiedNegatives / 2.0);
            truePositives += tiedPositives;
            falsePositives += tiedNegatives;
            // Tied members cannot be told apart, so every positive of the group takes the precision at the group's end.
            precisionSum += tiedPositives * (truePositives / (double)(truePositives + falsePositives));
            end = start;
        }
        return (pairs / (positives * (double)negatives), precisionSum / positives);
    }

    /// <summary>
    /// Deciles of the prediction, ascending: bin i (numbered from 1) holds the members ranked [(i−1)·n/10, i·n/10).
    /// With fewer than ten members some of those ranges are empty; an empty bin has no mean, so it is left out.
    /// </summary>
    private static List<CalibrationBin> Calibration(double[] scores, bool[] outcomes, int[] order)
    {
        var bins = new List<CalibrationBin>(Bins);
        foreach (var (bin, members) in Deciles(order))
        {
            var sum = members.Sum(m => scores[m]);
            long positives = members.Count(m => outcomes[m]);
            bins.Add(new CalibrationBin(bin, members.Length, positives, sum / members.Length, positives / (double)members.Length));
        }
        return bins;
    }

    /// <summary>The members of each non-empty decile of <see cref="Calibration"/>, by their index in <paramref name="scores"/>.</summary>
    public static IEnumerable<(int Bin, int[] Members)> Deciles(double[] scores, bool[] outcomes) => Deciles(Ascending(scores, outcomes));

    private static IEnumerable<(int Bin, int[] Members)> Deciles(int[] order)
    {
        for (var b = 0; b < Bins; b++)
        {
            var (from, to) = ((int)((long)b * order.Length / Bins), (int)((long)(b + 1) * order.Length / Bins));
            if (to > from) yield return (b + 1, order[from..to]);
        }
    }
}
