using Claims.Engine.Query;
using Claims.Engine.Storage;

namespace Claims.Engine.Privacy;

/// <summary>
/// The largest total one release unit (a patient) adds to each summed or averaged column of each group: the most one
/// person moves the sum, which sizes its noise (<see cref="MagnitudeNoise"/>). A second scan of the analyst's query,
/// grouped by the unit as well. Sized by the largest single row instead, a cell of one-day claims beside one person's
/// many claims moved by all of that person's days under noise sized by one of them (attack review 22: 26 of 70).
/// </summary>
/// <remarks>
/// A query grouped by four columns has no room for a fifth, the unit: its sums fall back to their largest single
/// value (and the column's public scale), as the design page says.
/// </remarks>
internal sealed class UnitTotals
{
    private readonly Dictionary<object?[], double[]> _largest = new(GroupKeyComparer.Instance);
    private readonly Dictionary<int, int> _columns = [];
    private readonly int _keys;

    private UnitTotals(int keys) => _keys = keys;

    public static UnitTotals Of(Dataset dataset, QueryModel analysts, ReleaseUnit unit, ExecutionOptions options, CancellationToken cancellationToken)
    {
        var totals = new UnitTotals(analysts.GroupBy.Count);
        var summed = analysts.Select.Select((a, i) => (a, i)).Where(x => x.a is { Kind: AggregateKind.Sum or AggregateKind.Avg, Column: not null }).ToList();
        if (summed.Count == 0 || analysts.GroupBy.Count >= 4) return totals;
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
            if (!totals._largest.TryGetValue(key, out var largest)) totals._largest[key] = largest = new double[summed.Count];
            for (var c = 0; c < summed.Count; c++)
            {
                var total = byUnit.Select[c].OfFloats ? row.State.DoubleSum[c] : (double)row.State.LongSum[c];
                largest[c] = Math.Max(largest[c], Math.Abs(total));
            }
        }
        return totals;
    }

    /// <summary>The largest total one unit adds to the aggregate's column in the group, or 0 where it is not known.</summary>
    public double Largest(GroupRow group, int aggregate) =>
        _columns.TryGetValue(aggregate, out var column) && _largest.TryGetValue(group.Values[.._keys], out var largest) ? largest[column] : 0;
}
