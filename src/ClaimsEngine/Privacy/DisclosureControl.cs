using System.Globalization;
using Claims.Engine.Cohorts;
using Claims.Engine.Query;
using Claims.Engine.Schema;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;

namespace Claims.Engine.Privacy;

/// <summary>
/// Runs a query under disclosure control. On a restricted dataset, in steps:
/// 1. refuse what cannot be released at all (<see cref="RestrictedAggregates"/>);
/// 2. run the query, in one scan, with what disclosure control needs beside it (<see cref="MeasuredQuery"/>): each
///    group's rows, its patients (the release unit) and, per sum or average, each patient's own total, clipped to the
///    column's public cap (<see cref="UnitTotals"/>, <see cref="ContributionCap"/>), the most one person then moves a
///    sum by and the scale of its noise;
/// 3. suppress each group whose own count is below the threshold, or perturbed below it where it lands near no cell
///    asked before (near one, it is decided as that one was), and no other (every cell can be asked alone for the
///    same answer, so hiding neighbours protects nothing and would say a small group is there); and each aggregate
///    of a nullable column that fewer than the threshold of patients stand behind (<see cref="MeasuredQuery.ContributorsOf"/>,
///    from the same scan), those patients decided as a cell of the history too;
/// 4. perturb every other count and sum by the cell key method, keyed by the group's patients
///    (<see cref="RecordKeys"/>, <see cref="PerturbationTable"/>, <see cref="MagnitudeNoise"/>);
/// 5. give every cell whose patients are the same as, or within a few of, those of a cell asked before the figures
///    shown for that cell (<see cref="CellHistory"/>), under the ledger's lock;
/// 6. order by the released values (a row's place then says nothing its values do not), spend one unit per cell shown
///    from the project's budget and record the query's patients and the cells shown (a spent budget refuses the
///    release before it runs).
/// A public dataset's result is returned as it is.
/// </summary>
public static class DisclosureControl
{
    public static DisclosedResult Apply(Dataset dataset, QueryModel query, DisclosureRequest request, CancellationToken cancellationToken = default) =>
        Apply(dataset, query, request, ExecutionOptions.Default, cancellationToken);

    public static DisclosedResult Apply(Dataset dataset, QueryModel query, DisclosureRequest request, ExecutionOptions options, CancellationToken cancellationToken = default)
    {
        if (dataset.Manifest.Access == DatasetAccess.Public) return new DisclosedResult(dataset.Execute(query, options, cancellationToken), [], []);
        return Apply([dataset], query, request, options, cancellationToken);
    }

    /// <summary>
    /// Disclosure control over the shards of one dataset (<see cref="DatasetShards"/>), as a coordinator runs
    /// it: each shard's partial aggregate is scanned, the partials are merged, and every rule runs once on the merged
    /// result, with the source's keys (which every shard carries), patients and caps, so the release is the one the
    /// unsplit dataset gives.
    /// </summary>
    public static DisclosedResult Apply(IReadOnlyList<Dataset> shards, QueryModel query, DisclosureRequest request, ExecutionOptions options, CancellationToken cancellationToken = default)
    {
        var dataset = shards[0];
        if (shards.Any(s => RecordKeys.IdentityOf(s.Manifest) != RecordKeys.IdentityOf(dataset.Manifest) || s.Manifest.Access != dataset.Manifest.Access))
            throw new ClaimsException("disclosure control runs over the shards of one dataset: these come from different datasets");
        // Every shard of one split, once: two splits of a dataset share its keys, and mixed they would count patients twice.
        if (shards.Count > 1 && !DatasetShards.IsWholeSplit(shards.Select(s => s.Manifest.Provenance).ToList()))
            throw new ClaimsException($"disclosure control runs over every shard of one split, each once: these {shards.Count} are not");
        return Apply(new OpenedShards(shards, options), query, request, cancellationToken);
    }

    /// <summary>
    /// Disclosure control over a cluster's shards (<see cref="ShardedDataset"/>): the scans run where the shards are,
    /// their partials are merged here, and every rule runs once on the merged result, as over shards in process.
    /// </summary>
    public static DisclosedResult Apply(ShardedDataset cluster, string query, DisclosureRequest request, CancellationToken cancellationToken = default) =>
        Apply(cluster.For(query), QueryParser.Parse(query, cluster.Schema), request, cancellationToken);

    private static DisclosedResult Apply(IShardScans shards, QueryModel query, DisclosureRequest request, CancellationToken cancellationToken)
    {
        var dataset = shards.Describing;
        if (dataset.Manifest.Access == DatasetAccess.Public)
            return new DisclosedResult(shards.Partial(query, null, cancellationToken).Finish().Batch(), [], []);
        RestrictedAggregates.Check(query);
        var policy = request.Policy;
        var unit = ReleaseUnit.Of(dataset, query.From);
        var keys = request.Ledger.KeysFor(dataset, request.Project);

        var measured = MeasuredQuery.Of(query, unit);
        var result = shards.Partial(query, measured, cancellationToken).Finish(query);
        // A receipt's column summed over its lines is capped as the receipts' own sums of it are.
        var totals = UnitTotals.Of(query, column => shards.Cap(dataset.Schema.Table(column.Table), column, unit, cancellationToken));
        var cellKeys = Enumerable.Range(0, result.Count).Select(g => keys.CellKey(result.State(g), measured.UnitIndex)).ToArray();
        // Cells are decided one after another, and one decided may be the near cell of the next: in key order, the
        // same question on the same data decides alike however the scan's threads happened to merge the groups.
        var byKeys = result.ByKeys();

        var ((released, hidden, patients, thin, asRows, unkept), spend) = request.Ledger.Release(request, keys, "query", $"{query.From.Name} query", history =>
        {
            var released = new List<int>(result.Count);
            var hidden = new Dictionary<int, bool[]>();
            var patients = unit.Patients ? new PatientSet(EventScan.PatientCount(dataset)) : null;
            var (thin, asRows) = (false, false);
            foreach (var g in byKeys)
            {
                var group = result.State(g);
                var cells = new bool[query.Select.Count];
                var perturb = new CellPerturbation(policy, keys, cellKeys[g]);
                var units = measured.Units(group);
                // A group is hidden when its count of patients would not be released: under the threshold, or, landing
                // near no cell asked before, perturbed below it (so where suppression starts says nothing exact); near
                // one, as that cell was (CellHistory.Decide). By its own count and history only: every figure is perturbed
                // and every cell can be asked alone (no margins) for the same answer, so hiding neighbours
                // (complementary suppression) protected nothing, and choosing them on exact counts said whether a
                // group of 1–9 existed beside them (an attack review guessed 261 diagnoses of 261 that way).
                var kept = history.Added.Count;
                var shown = history.Decide(units, Sketch(group, measured.UnitIndex), perturb.CountUniform(units),
                    measured.Truths(group, unit));
                // Patients behind a thin column's figure, none included (0 and 1–9 look alike, so neither answers
                // "anyone?"), enough only if their own count would be released: a cell of the history too, keyed by
                // those patients, not the group's, so neither filler patients without a value nor fresh groups around
                // the same few re-roll the decision until it gives the exact count away.
                var thinColumn = Enumerable.Range(0, query.Select.Count)
                    .Select(a => measured.ContributorsOf(group, a) is { } behind && Withheld(history, group, behind)).ToArray();
                // A count of a column's values beside the count of rows says how many rows lack one, so where the
                // patients those rows are of would not be released themselves, the count is the cell's count of rows:
                // the two then agree, and nothing shows whether one person's rows without a value are there (attack
                // review 21: admitted claims with one person's outpatient claims that carry a diagnosis). Decided as
                // a cell of the history, as a thin column is, so an edge walked by pads lands on the decision made before.
                var rowsStandIn = Enumerable.Range(0, query.Select.Count)
                    .Select(a => !thinColumn[a] && measured.MissingOf(group, a) is { } missing && Withheld(history, group, missing)).ToArray();
                // A cell this group kept holds the counts of values its own patients may show, and no other.
                if (history.Added.Count > kept && shown.Alias is null) measured.Unkeep(shown, a => thinColumn[a] || rowsStandIn[a]);
                for (var a = 0; a < query.Select.Count; a++)
                {
                    var aggregate = query.Select[a];
                    var figure = thinColumn[a] ? null : Released(history, shown, perturb, aggregate, query.From, SumTable(dataset.Schema, query.From, aggregate),
                        aggregate.Kind is AggregateKind.Count or AggregateKind.CountDistinct ? result.Integer(g, a) : null,
                        measured.Magnitude(group, a, totals), rowsStandIn[a] ? group.Rows : null, ownCount: !measured.CountsValues(a));
                    asRows |= rowsStandIn[a] && figure is not null;
                    result.Release(g, a, figure);
                    cells[a] = figure is null;
                }
                thin |= cells.Contains(false) && cells.Contains(true);
                // A row with nothing released is not shown at all (bar the one row of a query without groups): its key
                // alone would say that the group holds somebody.
                if (query.GroupBy.Count > 0 && !cells.Contains(false)) continue;
                if (patients is not null) group.ForEachDistinct(measured.UnitIndex, id => patients.Add((int)id));
                released.Add(g);
                hidden[g] = cells;
            }
            var shownAny = hidden.Values.Any(cells => cells.Contains(false));
            return ((released, hidden, patients, thin, asRows, history.HidUnkept), shownAny ? patients : null, released.Count * query.Select.Count);
        });

        // Whether a set of a group's patients (those with a value, or those with a row without one) would be hidden
        // as a cell of its own: a cell of the history, keyed by those patients, not the group's.
        bool Withheld(CellHistory history, GroupState group, Contributors set) =>
            history.Decide(set.Count, Sketch(group, set.Aggregate),
                new CellPerturbation(policy, keys, keys.CellKey(group, set.Aggregate)).CountUniform(set.Count),
                MeasuredQuery.Patients(set.Count, unit)).Root.Hidden;

        CellSketch Sketch(GroupState group, int aggregate)
        {
            var sketch = new CellSketch();
            group.ForEachDistinct(aggregate, id => sketch.Add(keys.Record(id)));
            return sketch;
        }

        var ordered = result.Order(released);
        var suppressed = ordered
            .SelectMany((row, r) => query.Select.Select((a, i) => (a, i)).Where(x => hidden[row][x.i])
                .Select(x => new SuppressedCell(r, x.a.Alias)))
            .ToList();
        return new DisclosedResult(result.Batch(ordered), suppressed, Rules(policy, unit, thin, asRows, unkept, spend, request.Project));
    }

    /// <summary>
    /// The figure a cell shows for an aggregate, as first shown (<see cref="CellHistory.Figure"/>): a count from its true
    /// <paramref name="count"/>, a sum from its <paramref name="magnitude"/> (none: a sum over no values, not shown).
    /// An average is the cell's sum over its count of values, both as shown or as they will be shown: so it agrees
    /// with them, and is no draw of its own that a near cell could ask first. Where <paramref name="rows"/> is given,
    /// a count of a column's values first asked of the cell is shown as its count of rows (the rows without a value
    /// are of too few patients to show), and stays so. Without <paramref name="ownCount"/> (a count of a nullable
    /// column's values), a count first asked of a kept cell is only ever the cell's own (<see cref="MeasuredQuery.Truths"/>).
    /// </summary>
    private static double? Released(CellHistory history, ShownCell cell, CellPerturbation perturb, Aggregate aggregate, TableSchema table, TableSchema sumTable, long? count, Magnitude? magnitude, long? rows, bool ownCount)
    {
        var name = ShownCell.FigureName(aggregate.Kind, aggregate.Column, aggregate.Kind is AggregateKind.Sum ? sumTable : table);
        (string, long)? asRows = rows is { } all ? (ShownCell.FigureName(AggregateKind.Count, null, table), all) : null;
        switch (aggregate.Kind, count, magnitude)
        {
            case (AggregateKind.Count or AggregateKind.CountDistinct, { } exact, _):
                return history.Count(cell, name, ownCount ? exact : null, perturb.Draw, asRows);
            case (AggregateKind.Sum, _, { } m):
                return history.Figure(cell, name, () => perturb.Sum(name, m, Whole(aggregate)));
            case (AggregateKind.Avg, _, { } m):
                var sumName = ShownCell.FigureName(AggregateKind.Sum, aggregate.Column, sumTable);
                var countName = ShownCell.FigureName(AggregateKind.Count, aggregate.Column, table);
                return history.Figure(cell, sumName, () => perturb.Sum(sumName, m, Whole(aggregate))) is { } sum
                    && history.Count(cell, countName, ownCount ? m.Values : null, perturb.Draw, asRows) is { } values
                    ? sum / values
                    : null;
            default:
                return null;
        }
    }

    private static bool Whole(Aggregate aggregate) => !aggregate.OfFloats;

    /// <summary>
    /// The table a sum's figure is named by: a receipt's column summed over its lines (<c>receipts.total_points</c> from
    /// diagnoses) is the receipts' sum of it, whichever line table reached the receipts. Named by the line table, the
    /// same patients' same receipts' points were a figure per line table (receipts, diagnoses, drugs, procedures,
    /// devices, dpc through firstOfReceipt), each an independent draw of one true sum to average (attack review 36:
    /// 4 names, 4 figures in each of 15 cells, the mean's error 0.73 of one figure's).
    /// </summary>
    private static TableSchema SumTable(ClaimsSchema schema, TableSchema table, Aggregate aggregate) =>
        aggregate is { OfParent: true, Column: { } column } ? schema.Table(column.Table) : table;

    private static List<string> Rules(DisclosurePolicy policy, ReleaseUnit unit, bool thin, bool asRows, bool unkept, AggregateRelease spend, string project)
    {
        List<string> rules = [$"suppression: cells of fewer than {policy.Threshold} {unit.Plural} (none included) are shown as {DisclosurePolicy.Marker}, and rows with nothing released are left out"];
        if (thin) rules.Add($"an aggregate of a column that fewer than {policy.Threshold} {unit.Plural} of its group have a value of is shown as {DisclosurePolicy.Marker}");
        if (asRows) rules.Add($"a count of a column's values (and the count behind its average) where fewer than {policy.Threshold} {unit.Plural} of the group have rows without one is shown as the group's count of rows");
        rules.Add(DisclosureRules.Perturbation(policy, unit.Plural));
        rules.Add(DisclosureRules.Differencing(policy, unit.Plural));
        if (unkept) rules.Add(DisclosureRules.Unkept(unit.Plural));
        rules.Add(DisclosureRules.Budget(project, spend));
        return rules;
    }
}
