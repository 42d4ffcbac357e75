using Apache.Arrow;
using Apache.Arrow.Types;
using Claims.Engine.Schema;

namespace Claims.Engine.Query;

/// <summary>
/// Merged groups finished into the result's cells, one row per group, typed by column and stored as Arrow will hold
/// them (an integer, a double's bits, a string's number in the partial's table, days, 0 or 1; NULL apart), with
/// SQL's NULLs (a sum over no values is NULL). Disclosure control replaces the aggregates' cells with released
/// figures and leaves rows out; <see cref="Order"/> then sorts and limits, and <see cref="Batch(IReadOnlyList{int})"/> writes Arrow once.
/// </summary>
internal sealed class QueryResult
{
    private enum Kind
    {
        Integer,
        Real,
        Text,
        Date,
        Boolean,
    }

    private readonly QueryModel _query;
    private readonly IReadOnlyList<string> _strings;
    private readonly Kind[] _kinds;
    private readonly string[] _names;
    private readonly long[][] _cells;
    private readonly bool[][] _nulls;
    private readonly GroupState[] _states;

    private QueryResult(QueryModel query, Dictionary<GroupKey4, GroupState> groups, IReadOnlyList<string> strings)
    {
        _query = query;
        _strings = strings;
        _kinds = [.. query.GroupBy.Select(KeyKind), .. query.Select.Select(AggregateKindOf)];
        _names = [.. query.GroupBy.Select(k => k.Name), .. query.Select.Select(a => a.Alias)];
        _cells = [.. _kinds.Select(_ => new long[groups.Count])];
        _nulls = [.. _kinds.Select(_ => new bool[groups.Count])];
        _states = new GroupState[groups.Count];
        var row = 0;
        foreach (var (key, state) in groups)
        {
            _states[row] = state;
            for (var k = 0; k < query.GroupBy.Count; k++) Set(k, row, key[k] == GroupKey4.Null ? null : key[k]);
            for (var a = 0; a < query.Select.Count; a++) Set(query.GroupBy.Count + a, row, Aggregated(query.Select[a], state, a));
            row++;
        }
    }

    /// <summary>
    /// The result of <paramref name="shown"/> over merged groups whose state may hold more aggregates after its own
    /// (disclosure control's): one row per group, unordered.
    /// </summary>
    public static QueryResult Of(QueryModel shown, Dictionary<GroupKey4, GroupState> groups, IReadOnlyList<string> strings) => new(shown, groups, strings);

    public int Count => _states.Length;

    /// <summary>The merged state a row was finished from (the sets behind its distinct counts, which disclosure control keys its noise on).</summary>
    public GroupState State(int row) => _states[row];

    /// <summary>An integer aggregate's cell (a count), as the engine computed it.</summary>
    public long Integer(int row, int aggregate) => _cells[_query.GroupBy.Count + aggregate][row];

    /// <summary>Puts a released figure (null: shown as suppressed) in an aggregate's cell: counts and sums of integers whole, the rest as doubles.</summary>
    public void Release(int row, int aggregate, double? figure)
    {
        var column = _query.GroupBy.Count + aggregate;
        Set(column, row, figure is not { } value ? null : _kinds[column] == Kind.Real ? BitConverter.DoubleToInt64Bits(value) : (long)value);
    }

    /// <summary><paramref name="rows"/> in the query's order (then the group keys, ascending, NULLs last), cut to its limit.</summary>
    public List<int> Order(IEnumerable<int> rows)
    {
        // Group keys break ties, so the order is the same on every run.
        var sorted = Sorted(rows, _query.OrderBy.Select(o => (Column: System.Array.IndexOf(_names, o.Name), o.Descending)));
        if (_query.Limit is { } limit && sorted.Count > limit) sorted.RemoveRange(limit, sorted.Count - limit);
        return sorted;
    }

    /// <summary>Every row by its group keys alone: an order that does not depend on how the scan's threads met the groups.</summary>
    public List<int> ByKeys() => Sorted(Enumerable.Range(0, Count), []);

    private List<int> Sorted(IEnumerable<int> rows, IEnumerable<(int Column, bool Descending)> first)
    {
        var order = first.Concat(Enumerable.Range(0, _query.GroupBy.Count).Select(k => (Column: k, Descending: false))).ToArray();
        var sorted = rows.ToList();
        sorted.Sort((x, y) =>
        {
            foreach (var (column, descending) in order)
            {
                // NULLs go last in either direction, as in SQL's default (NULLS LAST).
                var (xNull, yNull) = (_nulls[column][x], _nulls[column][y]);
                if (xNull || yNull)
                {
                    if (xNull != yNull) return xNull ? 1 : -1;
                    continue;
                }
                var c = Compare(column, _cells[column][x], _cells[column][y]);
                if (c != 0) return descending ? -c : c;
            }
            return 0;
        });
        return sorted;
    }

    /// <summary>Every row in the query's order, as Arrow.</summary>
    public RecordBatch Batch() => Batch(Order(Enumerable.Range(0, Count)));

    /// <summary><paramref name="rows"/>, as they stand, as Arrow columns typed by the query.</summary>
    public RecordBatch Batch(IReadOnlyList<int> rows)
    {
        var fields = _names.Select((n, c) => new Field(n, TypeOf(_kinds[c]), nullable: true)).ToArray();
        var arrays = Enumerable.Range(0, _kinds.Length).Select(c => Column(c, rows)).ToArray();
        return new RecordBatch(new Apache.Arrow.Schema(fields, null), arrays, rows.Count);
    }

    private void Set(int column, int row, long? value)
    {
        _nulls[column][row] = value is null;
        _cells[column][row] = value ?? 0;
    }

    private static long? Aggregated(Aggregate aggregate, GroupState state, int a)
    {
        var isFloat = aggregate.OfFloats;
        var empty = state.NonNull[a] == 0;
        return aggregate.Kind switch
        {
            AggregateKind.Count => aggregate.Column is null ? state.Rows : state.NonNull[a],
            AggregateKind.CountDistinct => state.DistinctCount(a),
            _ when empty => null,
            AggregateKind.Sum when isFloat => BitConverter.DoubleToInt64Bits(state.DoubleSum[a]),
            AggregateKind.Sum when aggregate.Column!.Type == LogicalType.Int64 => BitConverter.DoubleToInt64Bits((double)state.LongSum[a]),
            AggregateKind.Sum => (long)state.LongSum[a],
            AggregateKind.Avg => BitConverter.DoubleToInt64Bits((isFloat ? state.DoubleSum[a] : (double)state.LongSum[a]) / state.NonNull[a]),
            AggregateKind.Min when isFloat => BitConverter.DoubleToInt64Bits(state.DoubleMin[a]),
            AggregateKind.Max when isFloat => BitConverter.DoubleToInt64Bits(state.DoubleMax[a]),
            AggregateKind.Min => state.LongMin[a] == GroupKey4.Null ? null : state.LongMin[a],
            AggregateKind.Max => state.LongMax[a] == GroupKey4.Null ? null : state.LongMax[a],
            _ => throw new InvalidOperationException(aggregate.Kind.ToString()),
        };
    }

    /// <summary>Two non-NULL cells of a column, in ascending order.</summary>
    private int Compare(int column, long x, long y) => _kinds[column] switch
    {
        Kind.Text => string.CompareOrdinal(_strings[(int)x], _strings[(int)y]),
        Kind.Real => BitConverter.Int64BitsToDouble(x).CompareTo(BitConverter.Int64BitsToDouble(y)),
        _ => x.CompareTo(y),
    };

    private static Kind KeyKind(GroupKey key) => key.Derivation is Derivation.None or Derivation.Icd10Category or Derivation.YjIngredient ? KindOf(key.Column) : Kind.Integer;

    private static Kind KindOf(ColumnSchema column) => column.Type switch
    {
        LogicalType.Code or LogicalType.String or LogicalType.Hash => Kind.Text,
        LogicalType.Float32 => Kind.Real,
        LogicalType.Date => Kind.Date,
        LogicalType.Bool => Kind.Boolean,
        _ => Kind.Integer,
    };

    private static Kind AggregateKindOf(Aggregate aggregate) => aggregate.Kind switch
    {
        AggregateKind.Count or AggregateKind.CountDistinct => Kind.Integer,
        AggregateKind.Avg => Kind.Real,
        // A sum of int64 values can pass the int64 range: it is given as a double.
        AggregateKind.Sum => aggregate.Column!.Type is LogicalType.Float32 or LogicalType.Int64 ? Kind.Real : Kind.Integer,
        _ => aggregate.Column!.Type == LogicalType.Bool ? Kind.Integer : KindOf(aggregate.Column),
    };

    private static IArrowType TypeOf(Kind kind) => kind switch
    {
        Kind.Text => StringType.Default,
        Kind.Real => DoubleType.Default,
        Kind.Date => Date32Type.Default,
        Kind.Boolean => BooleanType.Default,
        _ => Int64Type.Default,
    };

    private IArrowArray Column(int column, IReadOnlyList<int> rows)
    {
        var (cells, nulls) = (_cells[column], _nulls[column]);
        switch (_kinds[column])
        {
            case Kind.Text:
                var text = new StringArray.Builder();
                foreach (var r in rows) if (nulls[r]) text.AppendNull(); else text.Append(_strings[(int)cells[r]]);
                return text.Build();
            case Kind.Real:
                var real = new DoubleArray.Builder();
                foreach (var r in rows) if (nulls[r]) real.AppendNull(); else real.Append(BitConverter.Int64BitsToDouble(cells[r]));
                return real.Build();
            case Kind.Date:
                var date = new Date32Array.Builder();
                foreach (var r in rows) if (nulls[r]) date.AppendNull(); else date.Append(DateDays.ToDate((int)cells[r]));
                return date.Build();
            case Kind.Boolean:
                var boolean = new BooleanArray.Builder();
                foreach (var r in rows) if (nulls[r]) boolean.AppendNull(); else boolean.Append(cells[r] != 0);
                return boolean.Build();
            default:
                var integer = new Int64Array.Builder();
                foreach (var r in rows) if (nulls[r]) integer.AppendNull(); else integer.Append(cells[r]);
                return integer.Build();
        }
    }
}
