namespace Claims.Modelling.Evaluation;

/// <summary>
/// How well predicted probabilities match what happened, on members the model never saw: discrimination (AUC-ROC,
/// AUC-PR), accuracy of the probabilities (Brier, log loss) and calibration (deciles, and the slope and intercept
/// of a logistic recalibration: 1 and 0 for a calibrated model, a slope under 1 for one too sure of itself).
/// Public, not internal, because <see cref="Reports.ModelReport"/> carries it to the CLI and the API. On restricted
/// data the counts are as released (null where suppressed) and the rest rounded (<see cref="Disclosure.ModelDisclosure"/>).
/// </summary>
public sealed record BinaryReport(
    long? Count,
    long? Positives,
    double AucRoc,
    double AucPr,
    double Brier,
    double LogLoss,
    IReadOnlyList<CalibrationBin> Calibration,
    double CalibrationSlope,
    double CalibrationIntercept);
