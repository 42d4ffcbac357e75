using Claims.Engine.Cohorts;

namespace Claims.Modelling.Spec;

/// <summary>
/// One analysis (data-schemas/model.schema.json documents the JSON): who is predicted for (a cohort, each member at
/// their index month), what (an event in a window after the index), from what (features in windows before it), by
/// which trainer and on which split. The same spec runs on synthetic and on restricted data.
/// </summary>
public sealed record ModelSpec(string Name, CohortDefinition Target, OutcomeSpec Outcome, FeatureSpec Features, TrainerSpec Model, SplitSpec Split, string Json)
{
    /// <summary>Whether the outcome is a quantity (regression) rather than an event (a yes/no classification).</summary>
    public bool Regression => Outcome.Quantity is not null;
}

/// <summary>
/// The outcome: a matching row in the months [index + From, index + To], or, with <see cref="Quantity"/>, how much
/// of something those months hold (a regression). Members whose data end before the window does are left out, or,
/// with <see cref="Censor"/>, kept with the outcome as far as their data go (an unseen month counts as no event:
/// the report shows how many were cut short).
/// </summary>
public sealed record OutcomeSpec(EventCriterion Event, MonthWindow Window, bool Censor = false, OutcomeQuantity? Quantity = null);

/// <summary>A quantity predicted: the points of the member's receipts in the window, or their admissions (distinct admission dates).</summary>
public enum OutcomeQuantity
{
    Points,
    Admissions,
}

/// <summary>Months relative to the index month, both ends included; 0 is the index month itself.</summary>
public sealed record MonthWindow(int From, int To)
{
    /// <summary>
    /// Days as months, as cohort definitions count them: rounded away from the index, so a window of days never
    /// covers less than its days (−365..−1 is the thirteen months before the index month, 1..365 the thirteen after).
    /// </summary>
    public static MonthWindow FromDays(int fromDays, int toDays) => new(Months(fromDays), Months(toDays));

    private static int Months(int days) => days >= 0 ? CohortDefinition.Months(days) : -CohortDefinition.Months(-days);

    public bool Contains(int month) => month >= From && month <= To;

    /// <summary>How many months the window covers.</summary>
    public int Length => To - From + 1;

    public override string ToString() => $"{From}..{To}";
}

/// <summary>
/// Which features, over which windows before the index; a flag seen in fewer than <see cref="MinMembers"/> members is
/// dropped and listed. <see cref="Checkups"/> are checkup items (columns of the checkups table) read from each
/// member's latest checkup before the index; <see cref="Procedures"/> adds a flag per procedure group (診療識別:
/// surgery, tests, imaging, …) per window.
/// </summary>
public sealed record FeatureSpec(bool Demographics, DiagnosisLevel? Diagnoses, bool Drugs, bool Utilisation, IReadOnlyList<MonthWindow> Windows, int MinMembers)
{
    public IReadOnlyList<string> Checkups { get; init; } = [];

    public bool Procedures { get; init; }
}

/// <summary>How diagnoses are grouped: by ICD-10 chapter letter, or by three-character category.</summary>
public enum DiagnosisLevel
{
    Letter,
    Category,
}

public enum TrainerKind
{
    LightGbm,
    FastTree,
    LogisticRegression,
}

/// <summary>
/// The trainer and its bounded settings; a logistic regression is always trained beside it as the baseline. For
/// the boosted trees (LightGBM, FastTree) <see cref="Iterations"/> is the number of trees, and <see cref="L1"/> and
/// <see cref="L2"/> regularise LightGBM's leaves and the logistic regression's weights (FastTree has neither).
/// </summary>
public sealed record TrainerSpec(TrainerKind Kind, int Leaves, int MinMembersPerLeaf, int Iterations, double LearningRate, double L1, double L2)
{
    /// <summary>Whether the trainer grows trees, whose leaves describe the members in them.</summary>
    public bool Trees => Kind is TrainerKind.LightGbm or TrainerKind.FastTree;
}

/// <summary>
/// Members to the test set by a keyed hash of their patient id (a member's side never depends on row order), or,
/// when <see cref="TestFrom"/> is set (YYYYMM), by time: members indexed in that month or later are the test set,
/// as a model trained on the past is used on the future.
/// </summary>
public sealed record SplitSpec(double TestFraction, int Seed, int? TestFrom = null);
