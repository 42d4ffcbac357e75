using Claims.Engine.Query;

namespace Claims.Engine.Privacy;

/// <summary>
/// The caps a release clips each release unit's (patient's) total of a summed or averaged column to in each group
/// (<see cref="ContributionCap"/>): one person then moves a released sum by at most the cap, however many of their
/// rows the cell holds. The totals themselves come from the query's own scan (<see cref="Aggregate.PerUnit"/>,
/// <see cref="GroupState.Clipped"/>), so a sum grouped by any number of columns is clipped. Sized by the largest
/// single row instead, a cell of one-day claims beside one person's many claims moved by all of that person's days
/// under noise sized by one of them (attack review 22: 26 of 70); sized by the most one patient added, the noise's
/// width said a heavy patient was there (review 23).
/// </summary>
internal sealed class UnitTotals
{
    private readonly Dictionary<int, double> _caps;

    private UnitTotals(Dictionary<int, double> caps) => _caps = caps;

    /// <summary>The caps of the query's sums, each read by <paramref name="cap"/> (over a dataset, or the shards of one).</summary>
    public static UnitTotals Of(QueryModel analysts, Func<Schema.ColumnSchema, double> cap) =>
        new(analysts.Select.Select((a, i) => (a, i))
            .Where(x => x.a is { Kind: AggregateKind.Sum or AggregateKind.Avg, Column: not null })
            .ToDictionary(x => x.i, x => cap(x.a.Column!)));

    /// <summary>The cap one unit's total is clipped to in a sum of the aggregate's column, which scales its noise.</summary>
    public double Cap(int aggregate) => _caps[aggregate];
}
