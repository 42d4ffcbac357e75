namespace Claims.Modelling.Evaluation;

/// <summary>
/// How well predicted quantities match what happened, on members the model never saw: the root mean squared and
/// mean absolute errors, R² (the share of the variance around the test members' mean the model explains; 0 for
/// predicting that mean, negative for worse), and the deciles of the prediction with their mean predicted and mean
/// observed values (calibration).
/// </summary>
public sealed record RegressionReport(long Count, double MeanObserved, double Rmse, double Mae, double RSquared, IReadOnlyList<RegressionBin> Calibration);

/// <summary>One tenth of the members by predicted value: how many, their mean prediction and their mean observed value.</summary>
public sealed record RegressionBin(int Bin, long Count, double MeanPredicted, double MeanObserved);
