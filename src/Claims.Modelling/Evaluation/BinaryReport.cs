namespace Claims.Modelling.Evaluation;

/// <summary>
/// How well predicted probabilities match what happened, on members the model never saw: discrimination (AUC-ROC,
/// AUC-PR), accuracy of the probabilities (Brier, log loss) and calibration (deciles, and the slope and intercept
/// of a logistic recalibration: 1 and 0 for a calibrated model, a slope under 1 for one too sure of itself).
/// </summary>
public sealed record BinaryReport(
    long Count,
    long Positives,
    double AucRoc,
    double AucPr,
    double Brier,
    double LogLoss,
    IReadOnlyList<CalibrationBin> Calibration,
    double CalibrationSlope,
    double CalibrationIntercept);

/// <summary>One tenth of the members by predicted probability: how many, how many had the outcome, the mean prediction and the observed rate.</summary>
public sealed record CalibrationBin(int Bin, long Count, long Observed, double MeanPredicted, double ObservedRate);
