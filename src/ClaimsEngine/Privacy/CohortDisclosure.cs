using Claims.Engine.Cohorts;
using Claims.Engine.Storage;

namespace Claims.Engine.Privacy;

/// <summary>One attrition row as released: a suppressed number is null (shown as <see cref="DisclosurePolicy.Marker"/>).</summary>
public sealed record DisclosedStep(string Rule, long? Remaining, long? Removed);

/// <summary>A cohort's attrition and count as they may leave the dataset, with the rules applied.</summary>
public sealed record DisclosedCohort(string Name, IReadOnlyList<DisclosedStep> Attrition, long? Count, IReadOnlyList<string> Rules);

/// <summary>
/// Disclosure control for an attrition table. Its numbers are chained: each step's removed is the previous
/// remaining minus this one, so any two released remaining counts give away the patients removed between them.
/// A remaining count is therefore released only when it is not small itself and differs from the last released
/// one by 0 or at least the threshold; a removed count only when both remaining counts around it are released (it
/// is then 0 or at least the threshold too). Every released count is then perturbed by the cell key of its own
/// patients (the step's, or the removed ones'), so subtracting released counts leaves two noises, and spent from
/// the project's budget; the cohort's patients are recorded for later extracts to be checked against.
/// </summary>
public static class CohortDisclosure
{
    public static DisclosedCohort Apply(Dataset dataset, Cohort cohort, DisclosureRequest request)
    {
        if (dataset.Manifest.Access == DatasetAccess.Public)
        {
            return new DisclosedCohort(cohort.Name,
                cohort.Attrition.Select(s => new DisclosedStep(s.Rule, s.Remaining, s.Removed)).ToArray(),
                cohort.Count, []);
        }
        var policy = request.Policy;
        var keys = request.Ledger.KeysFor(dataset);
        var figures = new HashSet<ulong>();
        long Perturbed(PatientSet patients) => new CellPerturbation(policy, keys, keys.CellKey(patients), figures).Count(patients.Count);

        var sets = cohort.StepPatients;
        var shown = Released(cohort.Attrition.Select(s => s.Remaining).ToArray(), policy);
        var steps = cohort.Attrition.Select((s, i) => new DisclosedStep(s.Rule,
            shown[i] ? Perturbed(sets[i]) : null,
            i == 0 ? s.Removed : shown[i - 1] && shown[i] ? Perturbed(sets[i - 1].Except(sets[i])) : null)).ToArray();

        var spend = request.Ledger.Record(request.Project, shown[^1] ? cohort.Patients : null, figures, request.Budget, "cohort", cohort.Name, request.Description);
        List<string> rules =
        [
            $"suppression: counts of fewer than {policy.Threshold} patients are shown as {DisclosurePolicy.Marker}",
            $"attrition: a remaining count within {policy.Threshold - 1} patients of the last released one, and every removed count not between two released remaining counts, is shown as {DisclosurePolicy.Marker}",
            DisclosureRules.Perturbation(policy),
            DisclosureRules.Budget(request.Project, figures.Count, spend),
        ];
        return new DisclosedCohort(cohort.Name, steps, steps[^1].Remaining, rules);
    }

    /// <summary>
    /// An extract of a restricted dataset releases its cohort's patients row by row, so it must not differ by a
    /// few patients from anything the project released before; checked and recorded before a file is written.
    /// Nothing to check on a public dataset (null).
    /// </summary>
    public static Release? ApproveExtract(Dataset dataset, Cohort cohort, DisclosureRequest request) =>
        dataset.Manifest.Access == DatasetAccess.Public
            ? null
            : request.Ledger.CheckAndRecord(request.Project, cohort.Patients, "extract", cohort.Name, request.Description, request.Policy);

    /// <summary>Which remaining counts of an attrition may be released (the removed counts follow from them).</summary>
    public static bool[] Released(IReadOnlyList<long> remaining, DisclosurePolicy policy)
    {
        var shown = new bool[remaining.Count];
        long? last = null;
        for (var i = 0; i < shown.Length; i++)
        {
            shown[i] = !policy.IsSmall(remaining[i]) && (last is not { } previous || !policy.IsSmall(previous - remaining[i]));
            if (shown[i]) last = remaining[i];
        }
        return shown;
    }
}
