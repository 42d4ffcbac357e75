using Claims.Engine.Cohorts;
using Claims.Engine.Query;
using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.Engine.Privacy;

/// <summary>
/// Runs a query under disclosure control. On a restricted dataset: every group's patients are counted (a hidden
/// countDistinct of patient_id), groups below the threshold and enough others to protect them against the
/// margins are suppressed whole (every aggregate of the group), the order is applied with suppressed cells as
/// NULL (so a row's place says nothing of its value) and the query's cohort (the patients of the rows its where
/// selects) is checked against the project's earlier releases and recorded. A public dataset's result is returned
/// as it is.
/// </summary>
public static class DisclosureControl
{
    private const string HiddenPatients = "\0patients";
    private const string HiddenRows = "\0rows";
    private static readonly HashSet<string> s_identifiers = ["patient_id", "receipt_id", "checkup_id"];

    public static DisclosedResult Apply(Dataset dataset, QueryModel query, DisclosureRequest request)
    {
        if (dataset.Manifest.Access == DatasetAccess.Public) return new DisclosedResult(dataset.Execute(query), [], []);
        // Group keys are released even where every cell is suppressed, so they must not be identifiers.
        if (query.GroupBy.FirstOrDefault(k => k.Column.Type == LogicalType.Hash || s_identifiers.Contains(k.Column.Name)) is { } key)
            throw new QueryException("groupBy", $"'{key.Name}' identifies patients or records: restricted data is not grouped by it, since group keys are released");
        // A dataset without linked patients (the sampling product) is protected by its claim counts, as the NDB's
        // open data is where only those are known; with no patients there is no cohort to check for differencing.
        var linked = EventScan.IsLinked(dataset);
        var selection = linked ? EventScan.Selection(dataset, query.From, query.Where) : default;

        var policy = request.Policy;
        var counted = query with
        {
            Select = [.. query.Select, new Aggregate(AggregateKind.Count, null, HiddenRows),
                linked ? new Aggregate(AggregateKind.CountDistinct, query.From.Column("patient_id"), HiddenPatients) : new Aggregate(AggregateKind.Count, null, HiddenPatients)],
            OrderBy = [],
            Limit = null,
        };
        var groups = dataset.Groups(counted);
        // Rows whose patient is unknown count 0 patients but are not "nobody": a cell with rows is protected as at
        // least one patient; only a cell without rows (a count over nothing) is a true 0.
        var counts = groups.Select(g => (long)g[^2]! == 0 ? 0 : Math.Max(1L, (long)g[^1]!)).ToArray();
        var table = new SuppressionTable(counts, MarginLines.Of(groups, query.GroupBy.Count));
        var outcome = table.Suppress(policy);

        var rows = new List<object?[]>(groups.Count);
        var status = new Dictionary<object?[], CellSuppression>(ReferenceEqualityComparer.Instance);
        for (var g = 0; g < groups.Count; g++)
        {
            var row = groups[g][..^2];
            if (outcome.IsSuppressed(g)) Array.Fill(row, null, query.GroupBy.Count, query.Select.Count);
            rows.Add(row);
            status[row] = outcome.Cells[g];
        }
        QueryResult.Order(query, rows);
        var suppressed = rows
            .SelectMany((row, r) => status[row] == CellSuppression.None ? [] : query.Select.Select(a => new SuppressedCell(r, a.Alias) { Rule = status[row] }))
            .ToList();

        Release? release = null;
        if (linked)
        {
            var from = dataset.Table(query.From.Name);
            var (starts, _) = RowSelection.Layout(from);
            release = request.Ledger.CheckAndRecord(request.Project, selection.Patients, new SelectedRows(selection.Rows, row => RowSelection.PatientOf(from, starts, row)),
                "query", $"{query.From.Name} query", request.Description, policy);
        }

        List<string> rules = [linked ? $"primary suppression: patients < {policy.Threshold}" : $"primary suppression: claims < {policy.Threshold} (the dataset has no linked patients)"];
        if (query.GroupBy.Count > 0) rules.Add($"complementary suppression against {MarginLines.Describe(query.GroupBy.Count)}");
        if (outcome.Withheld) rules.Add("withheld: the margins alone would determine a suppressed cell, so every cell is suppressed");
        rules.Add(release is null
            ? "differencing: not applied (no linked patients to compare)"
            : $"differencing: cohort of {release.Count} patients is 0 or at least {policy.Threshold} patients from each earlier release of project '{request.Project}' (recorded as release {release.Number})");
        return new DisclosedResult(QueryResult.Batch(query, rows), suppressed, rules);
    }
}
