using Claims.Modelling.Reports;

namespace Claims.Modelling.Evaluation;

/// <summary>
/// A membership-inference attack on a fitted model, as SACRO-ML runs one before a model leaves a trusted research
/// environment: can the model's own outputs tell the members it was trained on from members it never saw? The
/// attacker scores each member by the model's loss on them (Yeom et al. 2018: a model fits its training members
/// better), and the attack's AUC at telling training from test members is reported; at 0.5 the model says nothing
/// of who it was trained on, and above <see cref="Limit"/> it says too much to be released from restricted data.
/// </summary>
public static class MembershipInference
{
    /// <summary>The attack AUC above which a model trained on restricted data is withheld.</summary>
    public const double Limit = 0.6;

    /// <summary>
    /// The attack on predictions of a yes/no outcome (probabilities, observed as 1 or 0) or, with
    /// <paramref name="regression"/>, of a quantity, whose loss is the squared error.
    /// </summary>
    public static MembershipReport Attack(ReadOnlySpan<float> trainPredictions, ReadOnlySpan<float> trainObserved, ReadOnlySpan<float> testPredictions, ReadOnlySpan<float> testObserved,
        bool regression = false)
    {
        var scores = new double[trainPredictions.Length + testPredictions.Length];
        var member = new bool[scores.Length];
        for (var i = 0; i < trainPredictions.Length; i++) (scores[i], member[i]) = (Fit(trainPredictions[i], trainObserved[i], regression), true);
        for (var i = 0; i < testPredictions.Length; i++) scores[trainPredictions.Length + i] = Fit(testPredictions[i], testObserved[i], regression);
        var auc = BinaryMetrics.Compute(scores, member).AucRoc;
        // An attacker who learned the rule backwards is as good as one who did not.
        auc = Math.Max(auc, 1 - auc);
        return new MembershipReport(auc, Limit, auc <= Limit);
    }

    /// <summary>
    /// How well the model fits a member, in [0, 1] as the metrics take a score and falling as the loss grows: the
    /// probability it gave what happened (exp(−log loss)), or for a quantity 1 / (1 + squared error).
    /// </summary>
    private static double Fit(float prediction, float observed, bool regression) => regression
        ? 1 / (1 + ((double)prediction - observed) * ((double)prediction - observed))
        : observed > 0 ? prediction : 1 - prediction;
}
