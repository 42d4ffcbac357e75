using Claims.Engine.Cohorts;
using Claims.Engine.Storage;

namespace Claims.Engine.Privacy;

/// <summary>
/// Counts of patient sets as they may leave a dataset (null where suppressed), the rules they were released under,
/// and what the project has left of its budget after them (none of either on public data).
/// </summary>
public sealed record ReleasedCounts(IReadOnlyList<long?> Counts, IReadOnlyList<string> Rules, string? Budget);

/// <summary>
/// Counts of patient sets released as a cohort's attrition is (<see cref="CohortDisclosure"/>), for the figures
/// other parts derive from patients (a model's population, whether a feature is common enough to keep, the members
/// of a calibration decile): each perturbed by its own patients' cell key, shown only at the threshold or more,
/// shown as the figure of a near count asked before (<see cref="CellHistory"/>), so that sets a few patients apart
/// asked any way get one answer; and each costs one unit of the project's budget, shown or not.
/// </summary>
public static class PatientCounts
{
    /// <summary>
    /// Releases the count of each set in <paramref name="sets"/> (made one at a time, so thousands of candidate sets
    /// need not be held at once); exact on a public dataset. <paramref name="recorded"/>, when given, is recorded in
    /// the ledger as released, for later extracts to be checked against.
    /// </summary>
    /// <summary><see cref="Release(Dataset, DisclosureRequest, string, string, IReadOnlyList{Func{PatientSet}}, PatientSet?)"/> over a split dataset's patients, keyed as the unsplit dataset's.</summary>
    public static ReleasedCounts Release(Sharding.ShardedDataset dataset, DisclosureRequest request, string kind, string label,
        IReadOnlyList<Func<PatientSet>> sets, PatientSet? recorded = null) => Release(dataset.Describing, request, kind, label, sets, recorded);

    public static ReleasedCounts Release(Dataset dataset, DisclosureRequest request, string kind, string label,
        IReadOnlyList<Func<PatientSet>> sets, PatientSet? recorded = null)
    {
        if (dataset.Manifest.Access == DatasetAccess.Public) return new ReleasedCounts(sets.Select(set => (long?)set().Count).ToArray(), [], null);
        var keys = request.Ledger.KeysFor(dataset, request.Project);
        var (counts, spend) = request.Ledger.Release(request, keys, kind, label, history =>
        {
            var counts = new long?[sets.Count];
            for (var i = 0; i < counts.Length; i++) counts[i] = Show(history, request.Policy, keys, sets[i](), position: 1);
            return (counts, recorded, counts.Length);
        });
        return new ReleasedCounts(counts, Rules(request.Policy, "each count"), DisclosureRules.Budget(request.Project, spend));
    }

    /// <summary>
    /// One set's count under the rules: near a count asked before, that count's figure; near none, its own, drawn at
    /// <paramref name="position"/> (one set at two positions gets two draws).
    /// </summary>
    internal static long? Show(CellHistory history, DisclosurePolicy policy, RecordKeys keys, PatientSet patients, int position)
    {
        var perturb = new CellPerturbation(policy, keys, keys.CellKey(patients), position);
        var sketch = new CellSketch();
        foreach (var patient in patients) sketch.Add(keys.Record(patient));
        var shown = history.Decide(patients.Count, sketch, perturb.CountUniform(patients.Count),
            new Dictionary<string, long> { [ShownCell.Patients] = patients.Count });
        return (long?)history.Count(shown, ShownCell.Patients, patients.Count, (name, truth, key) => perturb.Of(key).ShownCount(truth, name));
    }

    internal static List<string> Rules(DisclosurePolicy policy, string counts) =>
    [
        $"suppression: counts of fewer than {policy.Threshold} patients (none included) are shown as {DisclosurePolicy.Marker}; {counts} is perturbed on its own patients",
        DisclosureRules.Perturbation(policy, "patients"),
        DisclosureRules.Differencing(policy, "patients"),
    ];
}
