using Claims.Engine.Query;

namespace Claims.Engine.Privacy;

/// <summary>A sum as released before noise (each unit's total clipped), how many values it adds, and the scale of its noise (<see cref="MeasuredQuery.Magnitude"/>).</summary>
internal readonly record struct Magnitude(double Sum, long Values, double Scale);

/// <summary>The units with a value of an aggregate's nullable column in one group: their count, and where their set is.</summary>
internal readonly record struct Contributors(long Count, int Aggregate);

/// <summary>
/// The analyst's query with what disclosure control needs, taken in the same scan: each sum or average keeps each
/// release unit's (patient's) own total (<see cref="Aggregate.PerUnit"/>, clipped by <see cref="UnitTotals"/>), and
/// distinct counts appended after the asked aggregates give the group's release units (its patients), the units
/// behind every aggregated nullable column (its contributors) and, for a count of one, those with a row without a
/// value; the group's rows are its state's own. The counts a cell is kept with for later questions are <see cref="Truths"/>. A large group can hold only one or two patients with a value (two admissions among thousands of outpatients), and a count or sum
/// of that column would then describe those few; disclosure control suppresses such a cell like a small group.
/// </summary>
internal sealed class MeasuredQuery
{
    private readonly Dictionary<int, int> _contributors = [];
    private readonly Dictionary<int, int> _missing = [];
    private readonly Schema.TableSchema _table;

    private MeasuredQuery(QueryModel analysts, ReleaseUnit unit)
    {
        List<Aggregate> select = [.. analysts.Select.Select(a => a is { Kind: AggregateKind.Sum or AggregateKind.Avg, Column: not null } ? a with { PerUnit = unit.Column } : a)];
        UnitIndex = select.Count;
        select.Add(new Aggregate(AggregateKind.CountDistinct, unit.Column, "\0units"));
        // One set per nullable column, however many aggregates take it; the unit's own column is behind every figure of it.
        var byColumn = new Dictionary<string, int>();
        var missingByColumn = new Dictionary<string, int>();
        for (var a = 0; a < analysts.Select.Count; a++)
        {
            // Not `is not { Nullable: true } column`: a mutant without the continue would not compile, and mutation
            // testing (docs/mutation.md) would then leave this whole constructor out.
            var column = analysts.Select[a].Column;
            if (column is null || !column.Nullable || column == unit.Column) continue;
            if (!byColumn.TryGetValue(column.Name, out var index))
            {
                byColumn[column.Name] = index = select.Count;
                select.Add(new Aggregate(AggregateKind.CountDistinct, unit.Column, $"\0contributors{a}") { WhereNotNull = column });
            }
            _contributors[a] = index;
            // A count of the column's values (an average's too) differs from the count of rows by the rows without
            // one: the units those rows are of decide whether that difference may show (DisclosureControl).
            if (analysts.Select[a].Kind is not (AggregateKind.Count or AggregateKind.Avg)) continue;
            if (!missingByColumn.TryGetValue(column.Name, out var missing))
            {
                missingByColumn[column.Name] = missing = select.Count;
                select.Add(new Aggregate(AggregateKind.CountDistinct, unit.Column, $"\0missing{a}") { WhereNull = column });
            }
            _missing[a] = missing;
        }
        _table = analysts.From;
        Query = analysts with { Select = select, OrderBy = [], Limit = null };
    }

    public QueryModel Query { get; }

    /// <summary>The index among the aggregates of the units' countDistinct, whose set keys the group's noise.</summary>
    public int UnitIndex { get; }

    public static MeasuredQuery Of(QueryModel query, ReleaseUnit unit) => new(query, unit);

    /// <summary>
    /// The units a group counts. Rows whose patient is unknown count no patient but are not nobody: a group with
    /// rows counts at least one, and only a group without rows (a count over nothing) is a true 0.
    /// </summary>
    public long Units(GroupState group) =>
        group.Rows == 0 ? 0 : Math.Max(1L, group.DistinctCount(UnitIndex));

    /// <summary>
    /// The true counts a group's cell is kept with (<see cref="ShownCell.Truths"/>): its patients, where the release
    /// unit is the patient, its rows, and the count of values of each nullable column counted or averaged, until
    /// <see cref="Unkeep"/>.
    /// </summary>
    public Dictionary<string, long> Truths(GroupState group, ReleaseUnit unit)
    {
        var truths = Patients(Units(group), unit);
        truths[ShownCell.FigureName(AggregateKind.Count, null, _table)] = group.Rows;
        foreach (var a in _missing.Keys)
            truths[ShownCell.FigureName(AggregateKind.Count, Query.Select[a].Column, _table)] = group.NonNull[a];
        return truths;
    }

    /// <summary>
    /// Drops from a cell this group kept the counts of values its own patients may not show (<paramref name="hidden"/>,
    /// by the aggregate's index: a thin column, or one standing in for the count of rows).
    /// </summary>
    /// <remarks>
    /// A count of values a later question asks first of the cell is drawn from the cell's own truth, so whether it
    /// may show must be the cell's own decision too: decided for whoever asked first, a kept cell grown by a chain
    /// until the asker's patients without a value were many showed the cell's count of values short by one person's
    /// rows without one (attack review 22: 19 of 47). A column the question that kept the cell did not count is not
    /// kept either, and is <see cref="DisclosurePolicy.Marker"/> when asked later (<see cref="CellHistory.Count"/>).
    /// </remarks>
    public void Unkeep(ShownCell cell, Func<int, bool> hidden)
    {
        foreach (var a in _missing.Keys.Where(hidden)) cell.Truths.Remove(ShownCell.FigureName(AggregateKind.Count, Query.Select[a].Column, _table));
    }

    /// <summary>Whether the aggregate is a count of a nullable column's values, or an average, whose count only the kept cell's own patients decide (<see cref="Unkeep"/>).</summary>
    public bool CountsValues(int aggregate) => _missing.ContainsKey(aggregate);

    /// <summary>The true count of a cell's patients, where the release unit is the patient (or nothing).</summary>
    public static Dictionary<string, long> Patients(long units, ReleaseUnit unit) =>
        unit.Patients ? new Dictionary<string, long> { [ShownCell.Patients] = units } : [];

    /// <summary>The units with a value behind an aggregate of a nullable column, or null where the group's own count stands.</summary>
    public Contributors? ContributorsOf(GroupState group, int aggregate) =>
        _contributors.TryGetValue(aggregate, out var index) ? new Contributors(group.DistinctCount(index), index) : null;

    /// <summary>
    /// The units with a row without a value behind a count or average of a nullable column, or null where the
    /// aggregate is of another kind or column.
    /// </summary>
    public Contributors? MissingOf(GroupState group, int aggregate) =>
        _missing.TryGetValue(aggregate, out var index) ? new Contributors(group.DistinctCount(index), index) : null;

    /// <summary>
    /// The magnitude behind a sum or average aggregate (null for counts, or a sum over no values): its sum with each
    /// unit's total clipped, and that clip as its scale (<see cref="UnitTotals"/>).
    /// </summary>
    public Magnitude? Magnitude(GroupState group, int aggregate, UnitTotals totals)
    {
        if (Query.Select[aggregate] is not { Kind: AggregateKind.Sum or AggregateKind.Avg, Column: not null }) return null;
        var values = group.NonNull[aggregate];
        if (values == 0) return null;
        var clipped = group.Clipped(aggregate, totals.Cap(aggregate));
        // Floats add up in whatever order the scan's threads met the rows, and the sum's bits key its noise: taken to
        // a float's precision (far finer than the noise), the same question draws the same noise on every run.
        if (Query.Select[aggregate].OfFloats) clipped = (float)clipped;
        return new Magnitude(clipped, values, totals.Cap(aggregate));
    }
}
