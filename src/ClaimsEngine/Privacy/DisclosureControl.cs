using Claims.Engine.Cohorts;
using Claims.Engine.Query;
using Claims.Engine.Storage;

namespace Claims.Engine.Privacy;

/// <summary>
/// Runs a query under disclosure control. On a restricted dataset, in steps:
/// 1. refuse what cannot be released at all (<see cref="RestrictedAggregates"/>);
/// 2. run the query with hidden aggregates: the group's rows, its patients (the release unit) and, per sum or
///    average, the column's extremes (the top contributor that sizes its noise);
/// 3. suppress groups below the threshold and enough others to protect them against the margins
///    (<see cref="SuppressionTable"/>), and each aggregate of a nullable column that fewer than the threshold of
///    patients stand behind (<see cref="ContributorCounts"/>);
/// 4. perturb every other count and sum by the cell key method, keyed by the group's patients
///    (<see cref="RecordKeys"/>, <see cref="PerturbationTable"/>, <see cref="MagnitudeNoise"/>);
/// 5. order by the released values (a row's place then says nothing its values do not), spend the new figures
///    from the project's budget and record the query's patients, refusing the whole release if the budget would
///    be passed.
/// A public dataset's result is returned as it is.
/// </summary>
public static class DisclosureControl
{
    public static DisclosedResult Apply(Dataset dataset, QueryModel query, DisclosureRequest request, CancellationToken cancellationToken = default)
    {
        if (dataset.Manifest.Access == DatasetAccess.Public) return new DisclosedResult(dataset.Execute(query, cancellationToken), [], []);
        RestrictedAggregates.Check(query);
        var policy = request.Policy;
        var unit = ReleaseUnit.Of(dataset, query.From);
        var keys = request.Ledger.KeysFor(dataset);

        var measured = MeasuredQuery.Of(query, unit);
        var groups = dataset.Groups(measured.Query, cancellationToken);
        var counts = groups.Select(g => measured.Units(g)).ToArray();
        var cellKeys = groups.Select(g => keys.CellKey(g.State, measured.UnitIndex)).ToArray();
        var figures = new HashSet<ulong>();
        // A group is small when its count of patients would not be released: under the threshold, or near it and
        // perturbed below it, so where suppression starts says nothing exact.
        var small = groups.Select((_, g) => new CellPerturbation(policy, keys, cellKeys[g], new HashSet<ulong>()).Count(counts[g]) is null).ToArray();
        var outcome = new SuppressionTable(counts, MarginLines.Of(groups.Select(g => g.Values).ToList(), query.GroupBy.Count)).Suppress(policy, small);
        var contributors = ContributorCounts.Of(dataset, query, unit, cancellationToken);

        var released = new List<object?[]>(groups.Count);
        var hidden = new Dictionary<object?[], CellSuppression[]>(ReferenceEqualityComparer.Instance);
        var patients = unit.Patients ? new PatientSet(EventScan.PatientCount(dataset)) : null;
        var (thin, suppressedShown) = (false, 0);
        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            var row = group.Values[..(query.GroupBy.Count + query.Select.Count)];
            var cells = new CellSuppression[query.Select.Count];
            var perturb = new CellPerturbation(policy, keys, cellKeys[g], figures);
            for (var a = 0; a < query.Select.Count; a++)
            {
                var cell = query.GroupBy.Count + a;
                // Patients behind a thin column's figure, none included: 0 and 1–9 look alike, so neither answers "anyone?".
                var behind = contributors[a]?.GetValueOrDefault(row[..query.GroupBy.Count]) ?? counts[g];
                cells[a] = outcome.Cells[g] != CellSuppression.None ? outcome.Cells[g]
                    : behind < policy.Threshold ? CellSuppression.Primary
                    : CellSuppression.None;
                row[cell] = cells[a] == CellSuppression.None ? perturb.Figure(query.Select[a], row[cell], measured.Magnitude(group, a)) : null;
                // A figure suppressed by its own perturbation (a distinct count of codes under 10, say) is small too.
                if (cells[a] == CellSuppression.None && row[cell] is null) cells[a] = CellSuppression.Primary;
                thin |= outcome.Cells[g] == CellSuppression.None && cells[a] != CellSuppression.None;
            }
            // A row with nothing released is not shown at all (bar the one row of a query without groups): its key
            // alone would say that the group holds somebody.
            if (query.GroupBy.Count > 0 && cells.All(c => c != CellSuppression.None)) continue;
            if (patients is not null) group.State.ForEachDistinct(measured.UnitIndex, id => patients.Add((int)id));
            suppressedShown += cells.Count(c => c != CellSuppression.None);
            released.Add(row);
            hidden[row] = cells;
        }
        QueryResult.Order(query, released);
        var suppressed = released
            .SelectMany((row, r) => query.Select.Select((a, i) => (a, i)).Where(x => hidden[row][x.i] != CellSuppression.None)
                .Select(x => new SuppressedCell(r, x.a.Alias) { Rule = hidden[row][x.i] }))
            .ToList();

        var spend = request.Ledger.Record(request.Project, figures.Count > 0 ? patients : null, figures, suppressedShown, request.Budget,
            "query", $"{query.From.Name} query", request.Description);
        return new DisclosedResult(QueryResult.Batch(query, released), suppressed, Rules(query, policy, unit, outcome.Withheld, thin, spend, request.Project));
    }

    private static List<string> Rules(QueryModel query, DisclosurePolicy policy, ReleaseUnit unit, bool withheld, bool thin, AggregateRelease spend, string project)
    {
        List<string> rules = [$"suppression: cells of fewer than {policy.Threshold} {unit.Plural} (none included) are shown as {DisclosurePolicy.Marker}, and rows with nothing released are left out"];
        if (query.GroupBy.Count > 0) rules.Add($"complementary suppression against {MarginLines.Describe(query.GroupBy.Count)}");
        if (withheld) rules.Add("withheld: the margins alone would determine a suppressed cell, so every cell is suppressed");
        if (thin) rules.Add($"an aggregate of a column that fewer than {policy.Threshold} {unit.Plural} of its group have a value of is shown as {DisclosurePolicy.Marker}");
        rules.Add(DisclosureRules.Perturbation(policy));
        rules.Add(DisclosureRules.Budget(project, spend));
        return rules;
    }
}
