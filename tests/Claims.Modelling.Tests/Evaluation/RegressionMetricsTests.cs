using Claims.Modelling.Evaluation;

namespace Claims.Modelling.Tests.Evaluation;

public sealed class RegressionMetricsTests
{
    [Fact]
    public void Errors_R_squared_and_deciles_are_those_worked_by_hand()
    {
        // Errors 0, −1, 1, −2 around observed values whose mean is 3: squares 6, absolutes 4, total variance 14.
        var report = RegressionMetrics.Compute([1, 2, 3, 4], [1, 3, 2, 6]);
        Assert.Equal(4, report.Count);
        Assert.Equal(3, report.MeanObserved);
        Assert.Equal(Math.Sqrt(6 / 4.0), report.Rmse, 12);
        Assert.Equal(1, report.Mae, 12);
        Assert.Equal(1 - 6 / 14.0, report.RSquared, 12);
        // Four members in ten deciles: ranks [b·4/10, (b+1)·4/10) leave six deciles empty, and each other holds one member.
        Assert.Equal([3, 5, 8, 10], report.Calibration.Select(b => b.Bin));
        Assert.Equal([1.0, 2, 3, 4], report.Calibration.Select(b => b.MeanPredicted));
        Assert.Equal([1.0, 3, 2, 6], report.Calibration.Select(b => b.MeanObserved));
    }

    [Fact]
    public void Predicting_the_mean_explains_nothing_and_a_constant_outcome_is_explained_only_exactly()
    {
        Assert.Equal(0, RegressionMetrics.Compute([2.5, 2.5, 2.5, 2.5], [1, 2, 3, 4]).RSquared, 12);
        Assert.True(RegressionMetrics.Compute([4, 3, 2, 1], [1, 2, 3, 4]).RSquared < 0);
        Assert.Equal(1, RegressionMetrics.Compute([5, 5], [5, 5]).RSquared);
        Assert.Equal(0, RegressionMetrics.Compute([4, 6], [5, 5]).RSquared);
    }

    [Fact]
    public void Deciles_do_not_depend_on_the_order_of_the_members_and_partition_them()
    {
        var random = new Random(7);
        var predicted = Enumerable.Range(0, 1_003).Select(_ => (double)random.Next(0, 50)).ToArray();
        var observed = predicted.Select(p => p + random.Next(-10, 10)).ToArray();
        var order = Enumerable.Range(0, predicted.Length).OrderBy(_ => random.Next()).ToArray();
        var report = RegressionMetrics.Compute(predicted, observed);
        var shuffled = RegressionMetrics.Compute(order.Select(i => predicted[i]).ToArray(), order.Select(i => observed[i]).ToArray());
        Assert.Equal(report.Calibration, shuffled.Calibration);
        Assert.Equal(1_003, report.Calibration.Sum(b => b.Count));
        Assert.Equal(observed.Sum(), report.Calibration.Sum(b => b.MeanObserved!.Value * b.Count!.Value), 6);
        Assert.Throws<ArgumentException>(() => RegressionMetrics.Compute([1], [1, 2]));
        Assert.Throws<ArgumentException>(() => RegressionMetrics.Compute([], []));
    }
}
