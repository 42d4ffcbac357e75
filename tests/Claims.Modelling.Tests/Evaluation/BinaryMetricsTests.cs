using Claims.Modelling.Evaluation;

namespace Claims.Modelling.Tests.Evaluation;

public class BinaryMetricsTests
{
    [Fact]
    public void Five_members_give_the_figures_worked_by_hand()
    {
        var report = BinaryMetrics.Compute([0.9, 0.8, 0.7, 0.6, 0.2], [true, false, true, false, false]);
        Assert.Equal(5, report.Count);
        Assert.Equal(2, report.Positives);
        // Positive 0.9 outranks all three negatives, positive 0.7 two of them: 5 of 6 pairs.
        Assert.Equal(5 / 6.0, report.AucRoc, 12);
        // Positives at ranks 1 and 3: precision 1/1 and 2/3, averaged.
        Assert.Equal((1 + 2 / 3.0) / 2, report.AucPr, 12);
        // (0.1² + 0.8² + 0.3² + 0.6² + 0.2²) / 5 = 1.14 / 5.
        Assert.Equal(0.228, report.Brier, 12);
        Assert.Equal(-(Math.Log(0.9) + Math.Log(0.2) + Math.Log(0.7) + Math.Log(0.4) + Math.Log(0.8)) / 5, report.LogLoss, 12);
    }

    [Fact]
    public void Ties_count_half_and_a_tied_group_is_one_step_of_the_precision_curve()
    {
        var report = BinaryMetrics.Compute([0.8, 0.5, 0.5, 0.1], [true, true, false, false]);
        // 0.8 beats both negatives; 0.5 ties one (½) and beats 0.1: 3.5 of 4 pairs.
        Assert.Equal(0.875, report.AucRoc, 12);
        // Group 0.8: precision 1; group 0.5 (one positive, one negative): precision 2/3 for its positive.
        Assert.Equal((1 + 2 / 3.0) / 2, report.AucPr, 12);
        var flat = BinaryMetrics.Compute([0.5, 0.5, 0.5, 0.5], [true, false, true, false]);
        Assert.Equal(0.5, flat.AucRoc, 12);
        Assert.Equal(0.5, flat.AucPr, 12);
    }

    [Fact]
    public void The_order_of_members_changes_nothing()
    {
        var random = new Random(4);
        var predicted = Enumerable.Range(0, 300).Select(_ => Math.Round(random.NextDouble(), 1)).ToArray();
        var observed = predicted.Select(p => random.NextDouble() < p).ToArray();
        var order = Enumerable.Range(0, 300).OrderBy(_ => random.Next()).ToArray();
        var a = BinaryMetrics.Compute(predicted, observed);
        var b = BinaryMetrics.Compute(order.Select(i => predicted[i]).ToArray(), order.Select(i => observed[i]).ToArray());
        Assert.Equal(a.AucRoc, b.AucRoc, 12);
        Assert.Equal(a.AucPr, b.AucPr, 12);
        Assert.Equal(a.Brier, b.Brier, 12);
        Assert.Equal(a.CalibrationSlope, b.CalibrationSlope, 9);
    }

    [Fact]
    public void Outcomes_drawn_from_the_predictions_are_calibrated_and_predictions_pushed_to_the_extremes_are_not()
    {
        var random = new Random(9);
        var predicted = Enumerable.Range(0, 20_000).Select(_ => 0.05 + 0.9 * random.NextDouble()).ToArray();
        var observed = predicted.Select(p => random.NextDouble() < p).ToArray();
        var calibrated = BinaryMetrics.Compute(predicted, observed);
        Assert.InRange(calibrated.CalibrationSlope, 0.9, 1.1);
        Assert.InRange(calibrated.CalibrationIntercept, -0.1, 0.1);
        foreach (var bin in calibrated.Calibration) Assert.InRange(bin.ObservedRate - bin.MeanPredicted, -0.05, 0.05);
        // Twice the log-odds: the recalibration halves them back.
        var sure = predicted.Select(p => 1 / (1 + Math.Pow((1 - p) / p, 2))).ToArray();
        Assert.InRange(BinaryMetrics.Compute(sure, observed).CalibrationSlope, 0.4, 0.6);
    }

    [Fact]
    public void Deciles_split_the_members_as_evenly_as_whole_members_allow_in_order_of_prediction()
    {
        var predicted = Enumerable.Range(0, 25).Select(i => (24 - i) / 25.0).ToArray();
        var observed = predicted.Select(p => p >= 0.5).ToArray();
        var bins = BinaryMetrics.Compute(predicted, observed).Calibration;
        // Bin b holds ranks [b·25/10, (b+1)·25/10): 2, 3, 2, 3, …
        Assert.Equal([2L, 3, 2, 3, 2, 3, 2, 3, 2, 3], bins.Select(b => b.Count));
        Assert.Equal(Enumerable.Range(1, 10), bins.Select(b => b.Bin));
        Assert.Equal((0 + 1 / 25.0) / 2, bins[0].MeanPredicted, 12);
        Assert.Equal(0, bins[0].Observed);
        Assert.Equal(3, bins[^1].Observed);
    }

    [Theory]
    [InlineData(new[] { 0.5, 0.5 }, new[] { true }, "2 predictions for 1 outcomes")]
    [InlineData(new double[0], new bool[0], "no predictions")]
    [InlineData(new[] { 0.5, 1.2 }, new[] { true, false }, "1.2 is not a probability")]
    [InlineData(new[] { 0.5, double.NaN }, new[] { true, false }, "NaN is not a probability")]
    [InlineData(new[] { 0.5, 0.4 }, new[] { true, true }, "one class")]
    public void Input_that_cannot_be_judged_is_refused_saying_why(double[] predicted, bool[] observed, string message) =>
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => BinaryMetrics.Compute(predicted, observed)).Message);
}

public class RocCurveTests
{
    [Fact]
    public void The_curve_of_five_members_steps_as_worked_by_hand_and_ties_move_together()
    {
        // 0.9 positive, 0.8 negative, 0.7 positive, 0.6 and 0.2 negative: two positives, three negatives.
        Assert.Equal([(0, 0), (0, 0.5), (1 / 3.0, 0.5), (1 / 3.0, 1), (2 / 3.0, 1), (1, 1)],
            RocCurve.Points([0.9, 0.8, 0.7, 0.6, 0.2], [true, false, true, false, false]));
        Assert.Equal([(0, 0), (0, 0.5), (0.5, 1), (1, 1)], RocCurve.Points([0.8, 0.5, 0.5, 0.1], [true, true, false, false]));
    }

    [Fact]
    public void The_area_under_the_curve_is_the_auc()
    {
        var random = new Random(5);
        var predicted = Enumerable.Range(0, 500).Select(_ => Math.Round(random.NextDouble(), 2)).ToArray();
        var observed = predicted.Select(p => random.NextDouble() < p).ToArray();
        var points = RocCurve.Points(predicted, observed);
        var area = points.Zip(points.Skip(1), (a, b) => (b.FalsePositiveRate - a.FalsePositiveRate) * (a.TruePositiveRate + b.TruePositiveRate) / 2).Sum();
        Assert.Equal(BinaryMetrics.Compute(predicted, observed).AucRoc, area, 10);
    }
}
