using Claims.Engine.Kernels;
using Claims.Engine.Storage;

namespace Claims.Engine.Cohorts;

/// <summary>
/// Builds a cohort from its definition. Entry events become candidate index events (a patient's earliest, or
/// each month with one); every rule then keeps or drops candidates, with one parallel scan per event rule
/// over only the months its window can reach, and the attrition is counted in patients after each step.
/// A patient is in the cohort with the earliest candidate that survives every rule.
/// </summary>
public static class CohortBuilder
{
    public static Cohort BuildCohort(this Dataset dataset, string json) => dataset.BuildCohort(CohortParser.Parse(json, dataset.Schema));

    public static Cohort BuildCohort(this Dataset dataset, CohortDefinition definition)
    {
        var timeline = PatientTimeline.Of(dataset);
        var candidates = Candidates.Find(dataset, definition.Entry, definition.Occurrence);
        var attrition = new List<AttritionStep>();
        var remaining = candidates.Patients();
        attrition.Add(new AttritionStep($"entry: {(definition.Occurrence == Occurrence.First ? "first" : "every")} {definition.Entry.Table.Name} event", remaining, 0));

        void Step(string rule, Func<int, bool> keep)
        {
            candidates.Keep(keep);
            var now = candidates.Patients();
            attrition.Add(new AttritionStep(rule, now, remaining - now));
            remaining = now;
        }

        if (definition.PriorObservationMonths > 0)
            Step($"prior observation ≥ {definition.PriorObservationMonths} months", c =>
                timeline.First[candidates.Patient[c]] is var first and > 0 && candidates.Month[c] - first >= definition.PriorObservationMonths);
        if (definition.FollowUpMonths > 0)
            Step($"follow-up ≥ {definition.FollowUpMonths} months", c => timeline.Last[candidates.Patient[c]] - candidates.Month[c] >= definition.FollowUpMonths);
        var attributes = definition.Inclusion.Concat(definition.Exclusion).Any(r => r is AgeRule or AttributeRule)
            ? EntryAttributes.Read(dataset, definition.Entry.Table, candidates.Key, candidates.Month)
            : null;
        foreach (var rule in definition.Inclusion) Step(rule.Name, Matcher(dataset, rule, candidates, attributes));
        foreach (var rule in definition.Exclusion)
        {
            var matches = Matcher(dataset, rule, candidates, attributes);
            Step(rule.Name, c => !matches(c));
        }
        return candidates.ToCohort(definition, timeline, attrition);
    }

    private static Func<int, bool> Matcher(Dataset dataset, CohortRule rule, Candidates candidates, EntryAttributes? attributes) => rule switch
    {
        AgeRule age => c => attributes!.Value("age", c) is var a && a >= age.Min && a <= age.Max,
        AttributeRule attribute => c => attribute.Values.Contains(attributes!.Value(attribute.Column, c)),
        EventCountRule events => Counted(dataset, events, candidates),
        _ => throw new InvalidOperationException(rule.GetType().Name),
    };

    /// <summary>Counts each live candidate's matching rows inside its window, then tests the count.</summary>
    private static Func<int, bool> Counted(Dataset dataset, EventCountRule rule, Candidates candidates)
    {
        var counts = new int[candidates.Count];
        var live = candidates.LivePatients();
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
            }, key => MonthKey.ToAbsolute(key) is var m && m >= lowest && m <= highest);
        }
        return c => counts[c] >= rule.MinCount && (rule.MaxCount is not { } max || counts[c] <= max);
    }
}
