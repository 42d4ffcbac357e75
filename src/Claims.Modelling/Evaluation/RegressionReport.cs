namespace Claims.Modelling.Evaluation;

/// <summary>
/// How well predicted quantities match what happened, on members the model never saw: the root mean squared and
/// mean absolute errors, R² (the share of the variance around the test members' mean the model explains; 0 for
/// predicting that mean, negative for worse), and the deciles of the prediction with their mean predicted and mean
/// observed values (calibration).
/// </summary>
/// <remarks>
/// On restricted data every figure carries noise (<see cref="Noise"/>: its standard deviation, 0 on synthetic data,
/// whose figures are exact), so that a reader can tell a figure from its noise.
/// </remarks>
public sealed record RegressionReport(long Count, double MeanObserved, double Rmse, double Mae, double RSquared, IReadOnlyList<RegressionBin> Calibration)
{
    public RegressionNoise Noise { get; init; } = RegressionNoise.None;
}

/// <summary>
/// About how far a released figure may lie from the exact one of the clipped quantities: the standard deviation of the
/// noise in the mean observed, in R², in a decile's means, and in a feature's fall in R².
/// </summary>
public sealed record RegressionNoise(double MeanObserved, double RSquared, double DecileMean, double ImportanceDrop)
{
    public static readonly RegressionNoise None = new(0, 0, 0, 0);
}

/// <summary>
/// One tenth of the members by predicted value: how many, their mean prediction and their mean observed value; on
/// restricted data null where the tenth's count is suppressed.
/// </summary>
public sealed record RegressionBin(int Bin, long? Count, double? MeanPredicted, double? MeanObserved);
