namespace Claims.Modelling.Evaluation;

/// <summary>
/// One tenth of the members by predicted probability: how many, how many had the outcome, the mean prediction and the
/// observed rate (on restricted data the counts as released, null where suppressed, the rate theirs, and the mean
/// prediction a sum of the predictions under noise over the count as released).
/// </summary>
public sealed record CalibrationBin(int Bin, long? Count, long? Observed, double? MeanPredicted, double? ObservedRate);
