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
        // −(ln 0.9 + ln 0.2 + ln 0.7 + ln 0.4 + ln 0.8) / 5 = (0.105361 + 1.609438 + 0.356675 + 0.916291 + 0.223144) / 5.
        Assert.Equal(0.6421815310, report.LogLoss, 1e-9);
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
    public void A_tie_of_one_positive_and_two_negatives_gives_the_figures_worked_by_hand()
    {
        var report = BinaryMetrics.Compute([0.6, 0.1, 0.6, 0.9, 0.3, 0.6], [false, false, true, true, true, false]);
        // 3 positives × 3 negatives = 9 pairs. 0.9 beats all 3; the 0.6 positive ties two (½ each) and beats 0.1;
        // 0.3 beats 0.1: 3 + 2 + 1 = 6 of 9.
        Assert.Equal(6 / 9.0, report.AucRoc, 12);
        // Descending groups: {0.9} 1 of 1; {0.6 ×3} 2 of 4 for its one positive; {0.3} 3 of 5: (1 + 0.5 + 0.6) / 3.
        Assert.Equal(0.7, report.AucPr, 12);
        // (0.6² + 0.1² + 0.4² + 0.1² + 0.7² + 0.6²) / 6 = 1.39 / 6.
        Assert.Equal(1.39 / 6, report.Brier, 12);
    }

    [Fact]
    public void A_wrong_prediction_of_exactly_zero_costs_the_clipped_log_loss_not_infinity()
    {
        var report = BinaryMetrics.Compute([0.0, 0.5], [true, false]);
        // Clipped to 1e-15: −ln 1e-15 = 15 ln 10 = 34.538776; with ln 2 = 0.693147 for the other, halved.
        Assert.Equal(17.6159617877, report.LogLoss, 1e-9);
        // Brier is bounded, so it takes the prediction as given: (1² + 0.5²) / 2.
        Assert.Equal(0.625, report.Brier, 12);
    }

    [Fact]
    public void The_order_of_members_changes_nothing()
    {
        var random = new Random(4);
        // Predictions rounded to tenths tie in large groups, and the decile boundaries cut through them.
        var predicted = Enumerable.Range(0, 301).Select(_ => Math.Round(random.NextDouble(), 1)).ToArray();
        var observed = predicted.Select(p => random.NextDouble() < p).ToArray();
        var order = Enumerable.Range(0, predicted.Length).OrderBy(_ => random.Next()).ToArray();
        var a = BinaryMetrics.Compute(predicted, observed);
        var b = BinaryMetrics.Compute(order.Select(i => predicted[i]).ToArray(), order.Select(i => observed[i]).ToArray());
        Assert.Equal(a.AucRoc, b.AucRoc, 12);
        Assert.Equal(a.AucPr, b.AucPr, 12);
        Assert.Equal(a.Brier, b.Brier, 12);
        Assert.Equal(a.LogLoss, b.LogLoss, 12);
        Assert.Equal(a.CalibrationSlope, b.CalibrationSlope, 9);
        Assert.Equal(a.CalibrationIntercept, b.CalibrationIntercept, 9);
        Assert.Equal(a.Calibration.Select(c => (c.Bin, c.Count, c.Observed)), b.Calibration.Select(c => (c.Bin, c.Count, c.Observed)));
        Assert.Equal(a.Calibration.Select(c => c.MeanPredicted!.Value), b.Calibration.Select(c => c.MeanPredicted!.Value), (x, y) => Math.Abs(x - y) < 1e-12);
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
        foreach (var bin in calibrated.Calibration) Assert.InRange(bin.ObservedRate!.Value - bin.MeanPredicted!.Value, -0.05, 0.05);
        // Twice the log-odds: the recalibration halves them back.
        var sure = predicted.Select(p => 1 / (1 + Math.Pow((1 - p) / p, 2))).ToArray();
        Assert.InRange(BinaryMetrics.Compute(sure, observed).CalibrationSlope, 0.4, 0.6);
    }

    [Fact]
    public void Two_distinct_predictions_are_recalibrated_onto_their_observed_rates_as_worked_by_hand()
    {
        // Two points of logit(p), two parameters: the fit passes through both observed rates.
        // logit 0.2 = −ln 4 with rate 1/2 (logit 0); logit 0.6 = ln 1.5 with rate 2/3 (logit ln 2).
        // b = ln 2 / (ln 1.5 + ln 4) = ln 2 / ln 6; a = b·ln 4 = 2 (ln 2)² / ln 6.
        var report = BinaryMetrics.Compute([0.2, 0.2, 0.6, 0.6, 0.6], [false, true, true, true, false]);
        Assert.Equal(0.3868528072, report.CalibrationSlope, 1e-9);
        Assert.Equal(0.5362918653, report.CalibrationIntercept, 1e-9);
    }

    [Fact]
    public void One_prediction_for_everyone_has_slope_zero_and_the_intercept_of_the_observed_rate()
    {
        var report = BinaryMetrics.Compute([0.3, 0.3, 0.3, 0.3, 0.3], [true, false, false, true, false]);
        Assert.Equal(0, report.CalibrationSlope);
        // Observed rate 2/5: logit = ln(0.4 / 0.6) = ln(2/3).
        Assert.Equal(-0.4054651081, report.CalibrationIntercept, 1e-9);
    }

    [Fact]
    public void Predictions_of_exactly_zero_and_one_that_are_wrong_still_reach_the_maximum_likelihood()
    {
        // From the calibrated (0, 1) a plain Newton step lands at slopes of order 10¹³; the maximum has both
        // likelihood equations at zero: Σ (y − q) = 0 and Σ (y − q)·logit(p) = 0.
        double[] predicted = [0.0, 1.0, 0.0, 1.0, 0.4];
        bool[] observed = [false, true, true, false, true];
        var report = BinaryMetrics.Compute(predicted, observed);
        Assert.InRange(report.CalibrationSlope, -1, 1);
        double interceptEquation = 0, slopeEquation = 0;
        for (var i = 0; i < predicted.Length; i++)
        {
            var p = Math.Clamp(predicted[i], 1e-15, 1 - 1e-15);
            var x = Math.Log(p / (1 - p));
            var residual = (observed[i] ? 1 : 0) - 1 / (1 + Math.Exp(-(report.CalibrationIntercept + report.CalibrationSlope * x)));
            interceptEquation += residual;
            slopeEquation += residual * x;
        }
        Assert.Equal(0, interceptEquation, 6);
        Assert.Equal(0, slopeEquation, 6);
    }

    [Fact]
    public void Outcomes_separated_by_the_prediction_still_give_finite_figures()
    {
        // No finite maximum exists (the slope can always grow), so what matters is a number the report can carry.
        var report = BinaryMetrics.Compute([0.9, 0.8, 0.2, 0.1], [true, true, false, false]);
        Assert.Equal(1, report.AucRoc);
        Assert.True(double.IsFinite(report.CalibrationSlope) && report.CalibrationSlope > 1);
        Assert.True(double.IsFinite(report.CalibrationIntercept));
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
        Assert.Equal((0 + 1 / 25.0) / 2, bins[0].MeanPredicted!.Value, 12);
        Assert.Equal(0, bins[0].Observed);
        Assert.Equal(3, bins[^1].Observed);
    }

    [Fact]
    public void The_deciles_hold_every_member_once_in_ascending_order_of_prediction()
    {
        var random = new Random(7);
        var predicted = Enumerable.Range(0, 1_003).Select(_ => Math.Round(random.NextDouble(), 2)).ToArray();
        var observed = predicted.Select(p => random.NextDouble() < p).ToArray();
        var report = BinaryMetrics.Compute(predicted, observed);
        Assert.Equal(10, report.Calibration.Count);
        Assert.Equal(1_003, report.Calibration.Sum(b => b.Count));
        Assert.Equal(report.Positives, report.Calibration.Sum(b => b.Observed));
        Assert.Equal(predicted.Sum(), report.Calibration.Sum(b => b.MeanPredicted!.Value * b.Count!.Value), 9);
        Assert.All(report.Calibration.Zip(report.Calibration.Skip(1)), pair => Assert.True(pair.First.MeanPredicted <= pair.Second.MeanPredicted));
    }

    [Fact]
    public void Fewer_than_ten_members_leave_empty_deciles_out()
    {
        // Ranks [b·3/10, (b+1)·3/10) are non-empty for b = 3, 6 and 9 only: one member each, in deciles 4, 7 and 10.
        var bins = BinaryMetrics.Compute([0.7, 0.2, 0.4], [true, false, false]).Calibration;
        Assert.Equal([(4, 1L, 0L, 0.2), (7, 1L, 0L, 0.4), (10, 1L, 1L, 0.7)], bins.Select(b => (b.Bin, b.Count, b.Observed, b.MeanPredicted!.Value)));
    }

    [Theory]
    [InlineData(new[] { 0.5, 0.5 }, new[] { true }, "2 predictions for 1 outcomes")]
    [InlineData(new double[0], new bool[0], "no predictions")]
    [InlineData(new[] { 0.5, 1.2 }, new[] { true, false }, "prediction 1 is 1.2, which is not a probability")]
    [InlineData(new[] { -0.1, 0.5 }, new[] { true, false }, "prediction 0 is -0.1, which is not a probability")]
    [InlineData(new[] { 0.5, double.NaN }, new[] { true, false }, "NaN, which is not a probability")]
    [InlineData(new[] { 0.5, double.PositiveInfinity }, new[] { true, false }, "which is not a probability")]
    [InlineData(new[] { 0.5, 0.4 }, new[] { true, true }, "every one of the 2 outcomes is positive: with one class the AUC is undefined")]
    [InlineData(new[] { 0.5, 0.4 }, new[] { false, false }, "every one of the 2 outcomes is negative: with one class the AUC is undefined")]
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
