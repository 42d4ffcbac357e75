using System.Runtime.InteropServices;
using Claims.Engine.Kernels;
using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.Engine.Query;

/// <summary>
/// Group-by over small domains (prefecture × age band, month, sex, drug class) without hashing: the block's zone
/// maps bound every key, so each row's group is an index into flat arrays, counted and summed by the dense
/// group-by kernels, and only the groups that occur are merged into the query's table. Keys with NULLs get one
/// extra slot. Anything else (floats, distinct counts, min/max, a domain over 65,536 cells) takes the hash path.
/// </summary>
internal static class DenseGroups
{
    private const long MaxCells = 1 << 16;

    private sealed record Key(MappedColumn Column, Derivation Derivation, long Base, long Size, bool HasNulls, int[]? Global);

    public static bool TryAggregate(QueryModel query, DatasetPartition partition, int block, int start, int count, ReadOnlySpan<ulong> selected,
        Dictionary<GroupKey4, GroupState> groups, GlobalStrings strings)
    {
        if (!query.Select.All(Supported)) return false;
        var keys = new Key[query.GroupBy.Count];
        long cells = 1;
        for (var k = 0; k < keys.Length; k++)
        {
            var column = partition.Column(query.GroupBy[k].Column.Name);
            if (column.Schema.Type is LogicalType.Float32 or LogicalType.Hash) return false;
            var derivation = query.GroupBy[k].Derivation;
            var zone = column.Zones[block];
            var (low, high) = zone.IsEmpty ? (0L, -1L) : (Derive(zone.Min, derivation), Derive(zone.Max, derivation));
            var size = high - low + 1 + (zone.NullCount > 0 ? 1 : 0);
            keys[k] = new Key(column, derivation, low, size, zone.NullCount > 0, column.Schema.Type.IsDictionary() ? strings.Map(column) : null);
            cells *= size;
            if (cells > MaxCells) return false;
        }
        var index = new int[count];
        long stride = 1;
        foreach (var key in keys)
        {
            AddKey(key, start, count, index, (int)stride);
            stride *= key.Size;
        }
        var rows = new long[cells];
        DenseGroupBy.Count(index, selected, rows);
        var nonNull = new long[query.Select.Count][];
        var sums = new long[query.Select.Count][];
        Span<ulong> present = stackalloc ulong[selected.Length];
        Span<ulong> valid = stackalloc ulong[selected.Length];
        for (var a = 0; a < query.Select.Count; a++)
        {
            if (query.Select[a].Column is not { } schema) continue;
            var column = partition.Column(schema.Name);
            selected.CopyTo(present);
            if (!column.ValidityBitmap.IsEmpty)
            {
                valid.Clear();
                var validity = column.ValidityBitmap;
                validity.Slice(start >> 3, Math.Min(validity.Length - (start >> 3), valid.Length * 8)).CopyTo(MemoryMarshal.AsBytes(valid));
                Bitmap.And(present, valid);
            }
            nonNull[a] = new long[cells];
            if (query.Select[a].Kind == AggregateKind.Count)
            {
                DenseGroupBy.Count(index, present, nonNull[a]);
                continue;
            }
            sums[a] = new long[cells];
            switch (schema.Type)
            {
                case LogicalType.Int8: DenseGroupBy.CountAndSum(index, column.Values<sbyte>().Slice(start, count), present, nonNull[a], sums[a]); break;
                case LogicalType.Int16: DenseGroupBy.CountAndSum(index, column.Values<short>().Slice(start, count), present, nonNull[a], sums[a]); break;
                default: DenseGroupBy.CountAndSum(index, column.Values<int>().Slice(start, count), present, nonNull[a], sums[a]); break;
            }
        }
        Span<long> values = stackalloc long[4];
        for (var cell = 0; cell < cells; cell++)
        {
            if (rows[cell] == 0) continue;
            values.Clear();
            var rest = (long)cell;
            for (var k = 0; k < keys.Length; k++)
            {
                var offset = rest % keys[k].Size;
                rest /= keys[k].Size;
                var isNull = keys[k].HasNulls && offset == keys[k].Size - 1;
                var value = keys[k].Base + offset;
                values[k] = isNull ? GroupKey4.Null : keys[k].Global is { } global ? global[value] : value;
            }
            var groupKey = new GroupKey4(values[0], values[1], values[2], values[3]);
            if (!groups.TryGetValue(groupKey, out var state)) groups[groupKey] = state = new GroupState(query.Select.Count);
            state.Rows += rows[cell];
            for (var a = 0; a < query.Select.Count; a++)
            {
                if (nonNull[a] is null) continue;
                state.NonNull[a] += nonNull[a][cell];
                if (sums[a] is not null) state.LongSum[a] += sums[a][cell];
            }
        }
        return true;
    }

    /// <summary>Adds each row's offset in this key, times the key's stride, to its cell index.</summary>
    private static void AddKey(Key key, int start, int count, int[] index, int stride)
    {
        var column = key.Column;
        var nullSlot = key.HasNulls ? key.Size - 1 : -1;
        var validity = column.ValidityBitmap;
        for (var i = 0; i < count; i++)
        {
            long offset;
            if (nullSlot >= 0 && !Validity.IsValid(validity, start + i)) offset = nullSlot;
            else offset = Derive(Raw(column, start + i), key.Derivation) - key.Base;
            index[i] += (int)(offset * stride);
        }
    }

    private static long Raw(MappedColumn column, int row) => column.Schema.Type switch
    {
        LogicalType.Bool => column.Values<bool>()[row] ? 1 : 0,
        LogicalType.Int8 => column.Values<sbyte>()[row],
        LogicalType.Int16 => column.Values<short>()[row],
        LogicalType.Int64 => column.Values<long>()[row],
        _ => column.Values<int>()[row],
    };

    /// <summary>The derived bands are monotonic, so a zone's min and max bound the derived values too.</summary>
    public static long Derive(long value, Derivation derivation) => derivation switch
    {
        Derivation.AgeBand => value / 5 * 5,
        Derivation.Year => value / 100,
        Derivation.FiscalYear => value % 100 >= 4 ? value / 100 : value / 100 - 1,
        _ => value,
    };

    private static bool Supported(Aggregate aggregate) => (aggregate.Kind, aggregate.Column?.Type) switch
    {
        (AggregateKind.Count, _) => true,
        (AggregateKind.Sum or AggregateKind.Avg, LogicalType.Int8 or LogicalType.Int16 or LogicalType.Int32 or LogicalType.Date or LogicalType.Month) => true,
        _ => false,
    };
}
