using Claims.Engine.Kernels;
using Claims.Engine.Query;
using Claims.Engine.Storage;

namespace Claims.Engine.Cohorts;

/// <summary>
/// Builds a cohort from its definition. Entry events become candidate index events (a patient's earliest, or
/// each entry receipt or checkup); every rule then keeps or drops candidates, with one parallel scan per event rule
/// over only the months its window can reach, and the attrition is counted in patients after each step.
/// A patient is in the cohort with the earliest candidate that survives every rule. A cancelled token stops the build
/// between rules and between the blocks of a scan with an <see cref="OperationCanceledException"/>.
/// </summary>
public static class CohortBuilder
{
    public static Cohort BuildCohort(this Dataset dataset, string json, CancellationToken cancellationToken = default) =>
        dataset.BuildCohort(CohortParser.Parse(json, dataset.Schema), cancellationToken);

    /// <remarks>A cohort of restricted data is refused at once when a where tree filters by an identifying column
    /// (<see cref="Privacy.RestrictedPredicates"/>): its counts and extracts would be about the few it picks out.</remarks>
    public static Cohort BuildCohort(this Dataset dataset, CohortDefinition definition, CancellationToken cancellationToken = default) =>
        dataset.BuildCohort(definition, ExecutionOptions.Default, cancellationToken);

    /// <summary>A cohort whose scans run with <paramref name="options"/> (kernel width, blocks at once), for this call alone.</summary>
    public static Cohort BuildCohort(this Dataset dataset, CohortDefinition definition, ExecutionOptions options, CancellationToken cancellationToken = default) =>
        dataset.BuildCohort(definition, options, dataEnd: null, cancellationToken);

    /// <param name="dataEnd">Where follow-up ends for everyone (an absolute month): a shard's own last month of receipts may come before its split dataset's; by default the dataset's.</param>
    internal static Cohort BuildCohort(this Dataset dataset, CohortDefinition definition, ExecutionOptions options, int? dataEnd, CancellationToken cancellationToken)
    {
        if (dataset.Manifest.Access == DatasetAccess.Restricted) Privacy.RestrictedPredicates.Check(definition);
        var timeline = PatientTimeline.Of(dataset);
        var candidates = Candidates.Find(dataset, definition.Entry, definition.Occurrence, options, cancellationToken);
        var names = StepNames(definition);
        var attrition = new List<AttritionStep>();
        var steps = new List<PatientSet> { candidates.LivePatients() };
        var remaining = steps[0].Count;
        attrition.Add(new AttritionStep(names[0], remaining, 0));

        void Step(Func<int, bool> keep)
        {
            candidates.Keep(keep, options, cancellationToken);
            steps.Add(candidates.LivePatients());
            var now = steps[^1].Count;
            attrition.Add(new AttritionStep(names[attrition.Count], now, remaining - now));
            remaining = now;
        }

        // The timeline is read here, not inside the parallel rule: its first use builds it with a parallel scan,
        // which must not wait for pool threads that are blocked on that very build. That build takes no token: it is
        // kept for every later cohort on the dataset, so it runs to its end (one scan of receipts, one of diagnoses).
        if (definition.PriorObservationMonths > 0)
        {
            var first = timeline.First;
            Step(c =>
                first[candidates.Patient[c]] is var month and > 0 && candidates.Month[c] - month >= definition.PriorObservationMonths);
        }
        if (definition.FollowUpMonths > 0)
        {
            var last = timeline.Last;
            Step(c => last[candidates.Patient[c]] - candidates.Month[c] >= definition.FollowUpMonths);
        }
        // Read once, at the first rule that needs them, for the candidates still live then.
        EntryAttributes? attributes = null;
        EntryAttributes Attributes() => attributes ??= EntryAttributes.Read(dataset, definition.Entry.Table, candidates, steps[^1], options, cancellationToken);
        foreach (var rule in definition.Inclusion) Step(Matcher(dataset, rule, candidates, steps, Attributes, options, cancellationToken));
        foreach (var rule in definition.Exclusion)
        {
            var matches = Matcher(dataset, rule, candidates, steps, Attributes, options, cancellationToken);
            Step(c => !matches(c));
        }
        return candidates.ToCohort(definition, timeline, dataEnd ?? timeline.DataEnd, attrition, steps);
    }

    /// <summary>The rule of each attrition step <paramref name="definition"/> makes, in order, the entry's first.</summary>
    internal static IReadOnlyList<string> StepNames(CohortDefinition definition) =>
    [
        $"entry: {(definition.Occurrence == Occurrence.First ? "first" : "every")} {definition.Entry.Table.Name} event",
        .. definition.PriorObservationMonths > 0 ? [$"prior observation ≥ {definition.PriorObservationMonths} months"] : Array.Empty<string>(),
        .. definition.FollowUpMonths > 0 ? [$"follow-up ≥ {definition.FollowUpMonths} months"] : Array.Empty<string>(),
        .. definition.Inclusion.Select(r => r.Name),
        .. definition.Exclusion.Select(r => r.Name),
    ];

    private static Func<int, bool> Matcher(Dataset dataset, CohortRule rule, Candidates candidates, IReadOnlyList<PatientSet> steps, Func<EntryAttributes> attributes,
        ExecutionOptions options, CancellationToken cancellationToken)
    {
        switch (rule)
        {
            case AgeRule age:
                var ages = attributes().Values("age");
                return c => ages[c] >= age.Min && ages[c] <= age.Max;
            case AttributeRule attribute:
                var values = attributes().Values(attribute.Column);
                return c => attribute.Values.Contains(values[c]);
            case EventCountRule events:
                return Counted(dataset, events, candidates, steps[^1], options, cancellationToken);
            default:
                throw new InvalidOperationException(rule.GetType().Name);
        }
    }

    /// <summary>Counts each live candidate's matching rows inside its window, then tests the count.</summary>
    private static Func<int, bool> Counted(Dataset dataset, EventCountRule rule, Candidates candidates, PatientSet live, ExecutionOptions options,
        CancellationToken cancellationToken)
    {
        var counts = new int[candidates.Count];
        var (first, last) = candidates.MonthRange();
        if (first <= last)
        {
            long lowest = (long)first + rule.From, highest = (long)last + rule.To;
            EventScan.Blocks(dataset, rule.Event.Table, rule.Event.Where, (partition, start, _, selected) =>
            {
                var ids = EventScan.PatientIds(partition);
                var patients = ids.Values<int>();
                var month = MonthKey.ToAbsolute(partition.Key);
                foreach (var i in Bitmap.SetBits(selected))
                {
                    var row = start + i;
                    if (ids.IsNull(row) || !live.Contains(patients[row])) continue;
                    var (from, to) = candidates.Range(patients[row]);
                    for (var c = from; c < to; c++)
                    {
                        var offset = month - candidates.Month[c];
                        if (candidates.Alive[c] && offset >= rule.From && offset <= rule.To) Interlocked.Increment(ref counts[c]);
                    }
                }
            }, key => MonthKey.ToAbsolute(key) is var m && m >= lowest && m <= highest, cancellationToken, options);
        }
        return c => counts[c] >= rule.MinCount && (rule.MaxCount is not { } max || counts[c] <= max);
    }
}
