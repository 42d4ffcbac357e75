using Apache.Arrow;
using Apache.Arrow.Types;
using Claims.Engine.Schema;

namespace Claims.Engine.Query;

/// <summary>Turns merged groups into the ordered, limited Arrow result, with SQL's NULLs (a sum over no values is NULL).</summary>
internal static class QueryResult
{
    private enum Kind
    {
        Integer,
        Real,
        Text,
        Date,
        Boolean,
    }

    /// <summary>One row per group, unordered: the group keys, then the aggregates.</summary>
    public static List<GroupRow> Rows(QueryModel query, Dictionary<GroupKey4, GroupState> groups, IReadOnlyList<string> strings)
    {
        var keyKinds = KeyKinds(query).ToArray();
        return groups.Select(g => new GroupRow(Row(query, g.Key, g.Value, keyKinds, strings), g.Value)).ToList();
    }

    public static RecordBatch Build(QueryModel query, List<object?[]> rows)
    {
        Order(query, rows);
        return Batch(query, rows);
    }

    /// <summary>Sorts by the query's order (then the group keys) and applies its limit, in place.</summary>
    public static void Order(QueryModel query, List<object?[]> rows)
    {
        var names = Names(query);
        var order = query.OrderBy.Select(o => (Index: System.Array.IndexOf(names, o.Name), o.Descending))
            // Group keys break ties, so the order is the same on every run.
            .Concat(Enumerable.Range(0, query.GroupBy.Count).Select(i => (Index: i, Descending: false)))
            .ToArray();
        rows.Sort((x, y) =>
        {
            foreach (var (index, descending) in order)
            {
                // NULLs go last in either direction, as in SQL's default (NULLS LAST).
                if (x[index] is null != y[index] is null) return x[index] is null ? 1 : -1;
                var c = CompareCells(x[index], y[index]);
                if (c != 0) return descending ? -c : c;
            }
            return 0;
        });
        if (query.Limit is { } limit && rows.Count > limit) rows.RemoveRange(limit, rows.Count - limit);
    }

    /// <summary>The rows as they stand, as Arrow columns typed by the query.</summary>
    public static RecordBatch Batch(QueryModel query, IReadOnlyList<object?[]> rows)
    {
        var kinds = KeyKinds(query).Concat(query.Select.Select(AggregateKindOf)).ToArray();
        var names = Names(query);
        var fields = names.Select((n, i) => new Field(n, TypeOf(kinds[i]), nullable: true)).ToArray();
        var arrays = kinds.Select((kind, i) => Column(kind, rows.Select(r => r[i]))).ToArray();
        return new RecordBatch(new Apache.Arrow.Schema(fields, null), arrays, rows.Count);
    }

    private static IEnumerable<Kind> KeyKinds(QueryModel query) =>
        query.GroupBy.Select(k => k.Derivation is Derivation.None or Derivation.Icd10Category ? KindOf(k.Column) : Kind.Integer);

    private static string[] Names(QueryModel query) => query.GroupBy.Select(k => k.Name).Concat(query.Select.Select(a => a.Alias)).ToArray();

    private static object?[] Row(QueryModel query, GroupKey4 key, GroupState state, Kind[] keyKinds, IReadOnlyList<string> strings)
    {
        var row = new object?[query.GroupBy.Count + query.Select.Count];
        for (var k = 0; k < query.GroupBy.Count; k++) row[k] = Cell(key[k], keyKinds[k], strings);
        for (var a = 0; a < query.Select.Count; a++)
        {
            var aggregate = query.Select[a];
            var isFloat = aggregate.OfFloats;
            var empty = state.NonNull[a] == 0;
            row[query.GroupBy.Count + a] = aggregate.Kind switch
            {
                AggregateKind.Count => aggregate.Column is null ? state.Rows : state.NonNull[a],
                AggregateKind.CountDistinct => state.DistinctCount(a),
                _ when empty => null,
                AggregateKind.Sum when isFloat => state.DoubleSum[a],
                AggregateKind.Sum when aggregate.Column!.Type == LogicalType.Int64 => (double)state.LongSum[a],
                AggregateKind.Sum => (long)state.LongSum[a],
                AggregateKind.Avg => (isFloat ? state.DoubleSum[a] : (double)state.LongSum[a]) / state.NonNull[a],
                AggregateKind.Min => isFloat ? state.DoubleMin[a] : Cell(state.LongMin[a], AggregateKindOf(aggregate), strings),
                AggregateKind.Max => isFloat ? state.DoubleMax[a] : Cell(state.LongMax[a], AggregateKindOf(aggregate), strings),
                _ => throw new InvalidOperationException(aggregate.Kind.ToString()),
            };
        }
        return row;
    }

    private static object? Cell(long value, Kind kind, IReadOnlyList<string> strings) => value == GroupKey4.Null
        ? null
        : kind switch
        {
            Kind.Text => strings[(int)value],
            Kind.Real => BitConverter.Int64BitsToDouble(value),
            Kind.Date => DateDays.ToDate((int)value),
            Kind.Boolean => value != 0,
            _ => value,
        };

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

    /// <summary>Values in ascending order; NULLs are placed by the caller.</summary>
    private static int CompareCells(object? x, object? y) => (x, y) switch
    {
        (null, null) => 0,
        (null, _) => 1,
        (_, null) => -1,
        (string a, string b) => string.CompareOrdinal(a, b),
        _ => Comparer<object>.Default.Compare(x, y),
    };

    private static IArrowType TypeOf(Kind kind) => kind switch
    {
        Kind.Text => StringType.Default,
        Kind.Real => DoubleType.Default,
        Kind.Date => Date32Type.Default,
        Kind.Boolean => BooleanType.Default,
        _ => Int64Type.Default,
    };

    private static IArrowArray Column(Kind kind, IEnumerable<object?> cells)
    {
        switch (kind)
        {
            case Kind.Text:
                var text = new StringArray.Builder();
                foreach (var c in cells) if (c is null) text.AppendNull(); else text.Append((string)c);
                return text.Build();
            case Kind.Real:
                var real = new DoubleArray.Builder();
                foreach (var c in cells) if (c is null) real.AppendNull(); else real.Append((double)c);
                return real.Build();
            case Kind.Date:
                var date = new Date32Array.Builder();
                foreach (var c in cells) if (c is null) date.AppendNull(); else date.Append((DateOnly)c);
                return date.Build();
            case Kind.Boolean:
                var boolean = new BooleanArray.Builder();
                foreach (var c in cells) if (c is null) boolean.AppendNull(); else boolean.Append((bool)c);
                return boolean.Build();
            default:
                var integer = new Int64Array.Builder();
                foreach (var c in cells) if (c is null) integer.AppendNull(); else integer.Append((long)c);
                return integer.Build();
        }
    }
}
