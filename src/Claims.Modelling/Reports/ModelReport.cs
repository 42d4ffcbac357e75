using Claims.Modelling.Evaluation;

namespace Claims.Modelling.Reports;

/// <summary>
/// What a trained model's report.json holds: who it was trained on, from what, and how well it predicts the test
/// members, beside the baseline's: <see cref="Metrics"/> and <see cref="Baseline"/> for an event (classification),
/// <see cref="Regression"/> and <see cref="RegressionBaseline"/> for a quantity; the other pair is null.
/// </summary>
public sealed record ModelReport(
    string Name,
    string Dataset,
    string Model,
    PopulationReport Population,
    FeaturesReport Features,
    BinaryReport? Metrics,
    BinaryReport? Baseline,
    RegressionReport? Regression,
    RegressionReport? RegressionBaseline,
    MembershipReport MembershipInference,
    DisclosureReport Disclosure,
    double ElapsedSeconds);

/// <summary>
/// How the report left its dataset: on synthetic (public) data exactly, with no rules; on restricted data to
/// <paramref name="Project"/> under <paramref name="Rules"/>, and, when the model failed a check,
/// <paramref name="Withheld"/> says why model.zip and model.onnx were not written.
/// </summary>
public sealed record DisclosureReport(bool Restricted, string? Project, IReadOnlyList<string> Rules, string? Withheld);

/// <summary>
/// The membership-inference attack on the model (<see cref="Evaluation.MembershipInference"/>): its AUC at telling
/// training members from test members, the limit, and whether the model passes it (a model from restricted data
/// that does not is withheld).
/// </summary>
public sealed record MembershipReport(double AttackAuc, double Limit, bool Passed);

/// <summary>
/// The population's attrition: the target cohort, those whose data end before their outcome window does (left out,
/// or kept as members with what their data show when <paramref name="Censored"/>), and the members split into
/// training and test sets, with their outcomes. On restricted data each is a count of its own patients as
/// released (null where suppressed), so they need not add up.
/// </summary>
public sealed record PopulationReport(long? Cohort, long? NotObservedToWindowEnd, long? Members, long? Outcomes, long? Train, long? Test, long? TestOutcomes, string OutcomeMonths,
    bool Censored = false);

/// <summary>
/// The features the model read, the flags dropped for being seen in fewer members than the spec's minimum, and the
/// thirty the model leans on most (<see cref="Training.PermutationImportance"/>), by the fall in
/// <paramref name="ImportanceMetric"/> ("AUC-ROC", or "R²" for a quantity). On restricted data the dropped
/// flags are not listed: a name there would say that some member has the code.
/// </summary>
public sealed record FeaturesReport(int Count, IReadOnlyList<string> Names, IReadOnlyList<string> Dropped, IReadOnlyList<FeatureImportance> Importance,
    string ImportanceMetric = "AUC-ROC");

/// <summary>
/// A feature and the fall in the model's test AUC (for a quantity, its R²) when its values are shuffled among the
/// test members.
/// </summary>
public sealed record FeatureImportance(string Feature, double Drop);
