using Claims.Engine.Query;
using Claims.Engine.Storage;

namespace Claims.Engine.Privacy;

/// <summary>
/// The sums a release shows for each summed or averaged column of each group, each release unit's (patient's) total
/// clipped to the column's cap (<see cref="ContributionCap"/>), and the caps that size their noise: one person then
/// moves a released sum by at most the cap, however many of their rows the cell holds. A second scan of the analyst's
/// query, grouped by the unit as well. Sized by the largest single row instead, a cell of one-day claims beside one
/// person's many claims moved by all of that person's days under noise sized by one of them (attack review 22:
/// 26 of 70); sized by the most one patient added, the noise's width said a heavy patient was there (review 23).
/// </summary>
/// <remarks>
/// A query grouped by four columns has no room for a fifth, the unit, so <see cref="RestrictedAggregates"/> refuses
/// its sums and averages (review 23: skipping the scan there brought back the row-top attack, 12 of 38).
/// </remarks>
internal sealed class UnitTotals
{
    private readonly Dictionary<object?[], double[]> _clipped = new(GroupKeyComparer.Instance);
    private readonly Dictionary<int, int> _columns = [];
    private readonly double[] _caps;
    private readonly int _keys;

    private UnitTotals(int keys, double[] caps) => (_keys, _caps) = (keys, caps);

    public static UnitTotals Of(Dataset dataset, QueryModel analysts, ReleaseUnit unit, ExecutionOptions options, CancellationToken cancellationToken)
    {
        var summed = analysts.Select.Select((a, i) => (a, i)).Where(x => x.a is { Kind: AggregateKind.Sum or AggregateKind.Avg, Column: not null }).ToList();
        var totals = new UnitTotals(analysts.GroupBy.Count, [.. summed.Select(x => ContributionCap.Of(dataset, analysts.From, x.a.Column!, unit))]);
        if (summed.Count == 0) return totals;
        foreach (var (_, i) in summed) totals._columns[i] = totals._columns.Count;
        var byUnit = analysts with
        {
            GroupBy = [.. analysts.GroupBy, new GroupKey("\0unit", unit.Column, Derivation.None)],
            Select = [.. summed.Select(x => new Aggregate(AggregateKind.Sum, x.a.Column, $"\0total{x.i}"))],
            OrderBy = [],
            Limit = null,
        };
        foreach (var row in dataset.Groups(byUnit, cancellationToken, options: options))
        {
            var key = row.Values[..totals._keys];
            if (!totals._clipped.TryGetValue(key, out var clipped)) totals._clipped[key] = clipped = new double[summed.Count];
            for (var c = 0; c < summed.Count; c++)
            {
                if (row.State.NonNull[c] == 0) continue;
                var total = byUnit.Select[c].OfFloats ? row.State.DoubleSum[c] : (double)row.State.LongSum[c];
                clipped[c] += Math.Clamp(total, -totals._caps[c], totals._caps[c]);
            }
        }
        return totals;
    }

    /// <summary>The cap one unit's total is clipped to in a sum of the aggregate's column, which scales its noise.</summary>
    public double Cap(int aggregate) => _caps[_columns[aggregate]];

    /// <summary>The aggregate's sum over the group with each unit's total clipped to <see cref="Cap"/>.</summary>
    public double Clipped(GroupRow group, int aggregate) => _clipped[group.Values[.._keys]][_columns[aggregate]];
}
