using Claims.Engine.Cohorts;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;

namespace Claims.Engine.Privacy;

/// <summary>One attrition row as released: a suppressed number is null (shown as <see cref="DisclosurePolicy.Marker"/>).</summary>
public sealed record DisclosedStep(string Rule, long? Remaining, long? Removed);

/// <summary>A cohort's attrition and count as they may leave the dataset, with the rules applied.</summary>
public sealed record DisclosedCohort(string Name, IReadOnlyList<DisclosedStep> Attrition, long? Count, IReadOnlyList<string> Rules);

/// <summary>
/// Disclosure control for an attrition table. Each remaining count and each removed count is a count of its own
/// patients (the step's, or those the rule removed), perturbed by their cell key and shown only if it stays at the
/// threshold or more, as any count is; no rule compares exact counts, since whether a step is shown would then
/// say exactly how many a rule removed. Each step's figures are keyed by its position too: one set of patients at
/// two steps (a rule that removed nobody) gets two independent draws; but a count whose patients are near those
/// of a count asked before (another step, another cohort, a query's cell) is shown that count's figure
/// (<see cref="CellHistory"/>), so equal answers say only "at most a few apart". Figures are spent from the
/// project's budget, and the cohort's patients recorded for later extracts.
/// </summary>
public static class CohortDisclosure
{
    /// <summary>A split dataset's cohort (<see cref="ShardedDataset.BuildCohort"/>), released here as one node releases the unsplit dataset's: its cells are keyed by the dataset both share.</summary>
    public static DisclosedCohort Apply(ShardedDataset dataset, Cohort cohort, DisclosureRequest request) => Apply(dataset.Describing, cohort, request);

    /// <summary><see cref="ApproveExtract(Dataset, Cohort, DisclosureRequest)"/> for a split dataset's cohort.</summary>
    public static Release? ApproveExtract(ShardedDataset dataset, Cohort cohort, DisclosureRequest request) => ApproveExtract(dataset.Describing, cohort, request);

    public static DisclosedCohort Apply(Dataset dataset, Cohort cohort, DisclosureRequest request)
    {
        if (dataset.Manifest.Access == DatasetAccess.Public)
        {
            return new DisclosedCohort(cohort.Name,
                cohort.Attrition.Select(s => new DisclosedStep(s.Rule, s.Remaining, s.Removed)).ToArray(),
                cohort.Count, []);
        }
        var keys = request.Ledger.KeysFor(dataset, request.Project);
        var sets = cohort.StepPatients;
        // The entry step removes nobody by construction, so its 0 says nothing.
        var removed = sets.Select((set, i) => i == 0 ? null : sets[i - 1].Except(set)).ToArray();
        var (steps, spend) = request.Ledger.Release(request, keys, "cohort", cohort.Name, history =>
        {
            // From the last step back: where two steps are near, the cohort's own count is the one they share.
            var remaining = new long?[sets.Count];
            for (var i = sets.Count - 1; i >= 0; i--) remaining[i] = PatientCounts.Show(history, request.Policy, keys, sets[i], 1 + 2 * i);
            var steps = cohort.Attrition.Select((s, i) => new DisclosedStep(s.Rule, remaining[i],
                i == 0 ? s.Removed : PatientCounts.Show(history, request.Policy, keys, removed[i]!, 2 + 2 * i))).ToArray();
            return (steps, steps[^1].Remaining is null ? null : cohort.Patients, 2 * steps.Length - 1);
        });
        List<string> rules = [.. PatientCounts.Rules(request.Policy, "each remaining and removed count"), DisclosureRules.Budget(request.Project, spend)];
        return new DisclosedCohort(cohort.Name, steps, steps[^1].Remaining, rules);
    }

    /// <summary>
    /// An extract of a restricted dataset hands over its cohort's patients row by row: it must hold at least the
    /// threshold of patients, and must not differ by a few patients from anything the project released before;
    /// checked and recorded before a file is written. Nothing to check on a public dataset (null).
    /// </summary>
    public static Release? ApproveExtract(Dataset dataset, Cohort cohort, DisclosureRequest request)
    {
        if (dataset.Manifest.Access == DatasetAccess.Public) return null;
        if (cohort.Patients.Count < request.Policy.Threshold)
            throw new DisclosureException($"an extract of restricted data needs a cohort of at least {request.Policy.Threshold} patients; this one has fewer");
        return request.Ledger.CheckAndRecord(request.Project, cohort.Patients, "extract", cohort.Name, request.Description, request.Policy);
    }
}
