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

    public static MembershipReport Attack(ReadOnlySpan<float> trainProbabilities, ReadOnlySpan<bool> trainObserved, ReadOnlySpan<float> testProbabilities, ReadOnlySpan<bool> testObserved)
    {
        var scores = new double[trainProbabilities.Length + testProbabilities.Length];
        var member = new bool[scores.Length];
        for (var i = 0; i < trainProbabilities.Length; i++) (scores[i], member[i]) = (Fit(trainProbabilities[i], trainObserved[i]), true);
        for (var i = 0; i < testProbabilities.Length; i++) scores[trainProbabilities.Length + i] = Fit(testProbabilities[i], testObserved[i]);
        var auc = BinaryMetrics.Compute(scores, member).AucRoc;
        // An attacker who learned the rule backwards is as good as one who did not.
        auc = Math.Max(auc, 1 - auc);
        return new MembershipReport(auc, Limit, auc <= Limit);
    }

    /// <summary>The probability the model gave what happened: exp(−loss), in [0, 1] as the metrics take a score.</summary>
    private static double Fit(float probability, bool observed) => observed ? probability : 1 - probability;
}
