namespace Claims.Modelling.Evaluation;

/// <summary>
/// One tenth of the members by predicted probability: how many, how many had the outcome, the mean prediction and the
/// observed rate (on restricted data the counts as released, null where suppressed, and the rate theirs).
/// </summary>
public sealed record CalibrationBin(int Bin, long? Count, long? Observed, double MeanPredicted, double? ObservedRate);
