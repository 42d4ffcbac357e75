using System.Buffers;
using System.Runtime.InteropServices;
using Claims.Engine.Kernels;
using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.Engine.Query;

/// <summary>
/// Group-by over small domains (prefecture × age band, month, sex, drug class) without hashing: the block's zone
/// maps bound every key, so each row's group is an index into flat arrays, counted and summed by the dense
/// group-by kernels, and only the groups that occur are merged into the query's table. A key of the lines' receipts
/// (drug lines by <c>receipts.prefecture</c>) is read for the block's lines first and bounded by the values read.
/// Keys with NULLs get one extra slot. Sums of floats and min and max of integers go into flat arrays too; distinct
/// counts of integers and codes (the patients that disclosure control adds to every restricted query) go row by row
/// into the cell's group state, with no type switch or null test per row. Anything else (extremes of floats, hashes,
/// a domain over 65,536 cells) takes the row-by-row hash path.
/// </summary>
internal static class DenseGroups
{
    private const long MaxCells = 1 << 16;

    /// <summary>
    /// One group key's slice of the cell index: value = Base + offset × Step (age bands step by 5, so they take 22 cells,
    /// not 106). A key of the lines' receipts (<c>receipts.prefecture</c>) has its values gathered for the block's lines.
    /// </summary>
    private sealed record Key(MappedColumn Column, ZoneEntry Zone, Derivation Derivation, long Base, long Step, long Size, bool HasNulls, int[]? Global, Gathered? Receipts);

    /// <summary>A receipt column's values for each line of the block (<see cref="ReceiptLink.TryGather"/>).</summary>
    private sealed record Gathered(int[] Values, ulong[] Valid);

    public static bool TryAggregate(QueryModel query, DatasetPartition partition, int block, int start, int count, ReadOnlySpan<ulong> selected,
        Dictionary<GroupKey4, GroupState> groups, LastGroups lastGroups, GlobalStrings strings, ReceiptLink? receipts, ScanStatistics? statistics = null)
    {
        var keys = new Key[query.GroupBy.Count];
        long cells = 1;
        for (var k = 0; k < keys.Length; k++)
        {
            var groupKey = query.GroupBy[k];
            var column = groupKey.OfParent ? receipts!.Receipts.Column(groupKey.Column.Name) : partition.Column(groupKey.Column.Name);
            Gathered? gathered = null;
            ZoneEntry zone;
            if (!groupKey.OfParent) zone = column.Zones[block];
            else if (receipts!.TryGather(k, column, out var values, out var valid, out zone)) gathered = new Gathered(values, valid);
            else return false;
            var derivation = groupKey.Derivation;
            var step = derivation == Derivation.AgeBand ? 5L : 1L;
            var (low, high) = zone.IsEmpty ? (0L, -step) : (Derive(zone.Min, derivation), Derive(zone.Max, derivation));
            // Compared before multiplying: ids spanning most of the long range would wrap the product (or the span) small.
            var span = (Int128)high - low;
            if (span / step >= MaxCells) return false;
            var size = (long)(span / step) + 1 + (zone.NullCount > 0 ? 1 : 0);
            if (size > MaxCells / cells) return false;
            keys[k] = new Key(column, zone, derivation, low, step, size, zone.NullCount > 0, column.Schema.Type.IsDictionary() ? strings.Map(column, derivation) : null, gathered);
            cells *= size;
        }
        statistics?.Dense();
        // Rented: a 64K-row block's index is 256 KB, which would land on the large-object heap every block.
        var rented = ArrayPool<int>.Shared.Rent(count);
        try
        {
            var index = rented.AsSpan(0, count);
            var first = true;
            long stride = 1;
            foreach (var key in keys)
            {
                // A key the block holds one value of (the month of a month's partition, its fiscal year) puts
                // every row at offset zero: nothing to add. The first key that adds writes the index instead.
                if (key.Size > 1)
                {
                    AddKey(key, start, count, index, (int)stride, first, SimdLevels.Active);
                    first = false;
                }
                stride *= key.Size;
            }
            if (first) index.Clear();
            Accumulate(query, partition, block, start, count, selected, groups, lastGroups, keys, cells, index, strings);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rented);
        }
        return true;
    }

    private static void Accumulate(QueryModel query, DatasetPartition partition, int block, int start, int count, ReadOnlySpan<ulong> selected,
        Dictionary<GroupKey4, GroupState> groups, LastGroups lastGroups, Key[] keys, long cells, ReadOnlySpan<int> index, GlobalStrings strings)
    {
        // The rows per cell come free from the first aggregate over a column without nulls in this block (its
        // non-null count is the row count); only otherwise is there a separate counting pass.
        long[]? rows = null;
        var nonNull = new long[query.Select.Count][];
        var sums = new long[query.Select.Count][];
        var floatSums = new double[query.Select.Count][];
        Span<ulong> present = stackalloc ulong[selected.Length];
        Span<ulong> valid = stackalloc ulong[selected.Length];
        for (var a = 0; a < query.Select.Count; a++)
        {
            if (query.Select[a].Column is not { } schema) continue;
            var column = partition.Column(schema.Name);
            var hasNulls = PresentRows.Of(query.Select[a], partition, start, count, selected, present, valid);
            nonNull[a] = new long[cells];
            rows ??= hasNulls ? null : nonNull[a];
            if (query.Select[a].Kind is not (AggregateKind.Sum or AggregateKind.Avg))
            {
                DenseGroupBy.Count(index, present, nonNull[a]);
                continue;
            }
            if (schema.Type == LogicalType.Float32)
            {
                DenseGroupBy.CountAndSum(index, column.Values<float>().Slice(start, count), present, nonNull[a], floatSums[a] = new double[cells]);
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
        if (rows is null)
        {
            rows = new long[cells];
            DenseGroupBy.Count(index, selected, rows);
        }
        var states = new GroupState?[cells];
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
                var value = keys[k].Base + offset * keys[k].Step;
                values[k] = isNull ? GroupKey4.Null : keys[k].Global is { } global ? global[value] : value;
            }
            var groupKey = new GroupKey4(values[0], values[1], values[2], values[3]);
            if (!groups.TryGetValue(groupKey, out var state)) groups[groupKey] = state = new GroupState(query.Select.Count) { Ordinal = groups.Count + 1 };
            states[cell] = state;
            state.Rows += rows[cell];
            for (var a = 0; a < query.Select.Count; a++)
            {
                if (nonNull[a] is null) continue;
                state.NonNull[a] += nonNull[a][cell];
                if (sums[a] is not null) state.LongSum[a] += sums[a][cell];
                if (floatSums[a] is not null) state.DoubleSum[a] += floatSums[a][cell];
            }
        }
        // Extremes into flat arrays per cell, once per column (disclosure control asks both of a summed column), then
        // into the cells' groups: no group state is touched per row.
        var extremes = new Dictionary<(string, string?), (long[] Mins, long[] Maxs)>();
        for (var a = 0; a < query.Select.Count; a++)
        {
            if (query.Select[a] is not { Kind: AggregateKind.Min or AggregateKind.Max, Column: { } schema } aggregate) continue;
            if (!extremes.TryGetValue((schema.Name, aggregate.WhereNotNull?.Name), out var found))
            {
                var column = partition.Column(schema.Name);
                PresentRows.Of(aggregate, partition, start, count, selected, present, valid);
                found = (new long[cells], new long[cells]);
                System.Array.Fill(found.Mins, long.MaxValue);
                System.Array.Fill(found.Maxs, long.MinValue);
                switch (column.Schema.Type)
                {
                    case LogicalType.Int8: DenseGroupBy.Extremes(index, column.Values<sbyte>().Slice(start, count), present, found.Mins, found.Maxs); break;
                    case LogicalType.Int16: DenseGroupBy.Extremes(index, column.Values<short>().Slice(start, count), present, found.Mins, found.Maxs); break;
                    case LogicalType.Int64: DenseGroupBy.Extremes(index, column.Values<long>().Slice(start, count), present, found.Mins, found.Maxs); break;
                    default: DenseGroupBy.Extremes(index, column.Values<int>().Slice(start, count), present, found.Mins, found.Maxs); break;
                }
                extremes[(schema.Name, aggregate.WhereNotNull?.Name)] = found;
            }
            for (var cell = 0; cell < cells; cell++)
            {
                if (states[cell] is not { } state) continue;
                if (aggregate.Kind == AggregateKind.Min) state.LongMin[a] = Math.Min(state.LongMin[a], found.Mins[cell]);
                else state.LongMax[a] = Math.Max(state.LongMax[a], found.Maxs[cell]);
            }
        }
        for (var a = 0; a < query.Select.Count; a++)
        {
            if (query.Select[a] is not { PerUnit: { } perUnit, Column: { } schema }) continue;
            var column = partition.Column(schema.Name);
            PresentRows.Of(query.Select[a], partition, start, count, selected, present, valid);
            var units = partition.Column(perUnit.Name);
            // A row without a unit (a patient not linked) adds to the NULL unit's total, as grouping by the unit would.
            var withUnit = units.ValidityWords(start, count, valid) ? valid : default;
            switch (column.Schema.Type, units.Schema.Type)
            {
                case (LogicalType.Float32, LogicalType.Int64): UnitTotals(column.Values<float>().Slice(start, count), units.Values<long>().Slice(start, count), withUnit, a, present, index, states); break;
                case (LogicalType.Float32, _): UnitTotals(column.Values<float>().Slice(start, count), units.Values<int>().Slice(start, count), withUnit, a, present, index, states); break;
                case (LogicalType.Int8, LogicalType.Int64): UnitTotals(column.Values<sbyte>().Slice(start, count), units.Values<long>().Slice(start, count), withUnit, a, present, index, states); break;
                case (LogicalType.Int8, _): UnitTotals(column.Values<sbyte>().Slice(start, count), units.Values<int>().Slice(start, count), withUnit, a, present, index, states); break;
                case (LogicalType.Int16, LogicalType.Int64): UnitTotals(column.Values<short>().Slice(start, count), units.Values<long>().Slice(start, count), withUnit, a, present, index, states); break;
                case (LogicalType.Int16, _): UnitTotals(column.Values<short>().Slice(start, count), units.Values<int>().Slice(start, count), withUnit, a, present, index, states); break;
                case (_, LogicalType.Int64): UnitTotals(column.Values<int>().Slice(start, count), units.Values<long>().Slice(start, count), withUnit, a, present, index, states); break;
                default: UnitTotals(column.Values<int>().Slice(start, count), units.Values<int>().Slice(start, count), withUnit, a, present, index, states); break;
            }
        }
        for (var a = 0; a < query.Select.Count; a++)
        {
            if (query.Select[a] is not { Kind: AggregateKind.CountDistinct, Column: { } schema }) continue;
            var column = partition.Column(schema.Name);
            PresentRows.Of(query.Select[a], partition, start, count, selected, present, valid);
            var global = column.Schema.Type.IsDictionary() ? strings.Map(column) : null;
            // Codes are numbered per query, so a zone of local numbers does not bound them.
            var last = global is null && column.Zones[block] is { IsEmpty: false } zone ? lastGroups.For(a, zone.Min, zone.Max) : null;
            var hits = column.StoredType switch
            {
                LogicalType.Int8 => Distinct(column.Stored<sbyte>().Slice(start, count), a, present, index, states, global, last),
                LogicalType.Int16 => Distinct(column.Stored<short>().Slice(start, count), a, present, index, states, global, last),
                LogicalType.Int64 => Distinct(column.Stored<long>().Slice(start, count), a, present, index, states, global, last),
                _ => Distinct(column.Stored<int>().Slice(start, count), a, present, index, states, global, last),
            };
            if (last is not null) lastGroups.Record(a, Bitmap.PopCount(present), hits);
        }
    }

    /// <summary>
    /// The distinct values (codes by their query-wide number) of the present rows, into each row's cell; with
    /// <paramref name="last"/>, returns how many rows found their value already in their cell (or followed a row of
    /// the same value and cell).
    /// </summary>
    private static long Distinct<T>(ReadOnlySpan<T> values, int a, ReadOnlySpan<ulong> present, ReadOnlySpan<int> index,
        GroupState?[] states, int[]? global, int[]? last) where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        var hits = 0L;
        var (previousValue, previousCell) = (0L, -1);
        foreach (var i in Bitmap.SetBits(present))
        {
            var value = long.CreateTruncating(values[i]);
            var cell = index[i];
            // A receipt's lines come together, each with its patient in its cell: a run of them needs one add.
            if (value == previousValue && cell == previousCell)
            {
                hits++;
                continue;
            }
            (previousValue, previousCell) = (value, cell);
            var state = states[cell]!;
            if (last is not null && state.Ordinal != 0)
            {
                ref var seen = ref last[value];
                if (seen == state.Ordinal)
                {
                    hits++;
                    continue;
                }
                seen = state.Ordinal;
            }
            if (global is null && state.DistinctBits[a] is { } bits && (ulong)(value >> 6) < (ulong)bits.Length)
            {
                // Most rows of a large cell land in bits already long enough: no call, no range or resize test.
                bits[(int)(value >> 6)] |= 1UL << (int)value;
                continue;
            }
            state.AddDistinct(a, global is null ? value : global[value]);
        }
        return hits;
    }

    /// <summary>Adds each present row's value to its unit's total in its cell; <paramref name="valid"/>, when not empty, marks the rows with a unit.</summary>
    private static void UnitTotals<T, TUnit>(ReadOnlySpan<T> values, ReadOnlySpan<TUnit> units, ReadOnlySpan<ulong> valid, int a, ReadOnlySpan<ulong> present,
        ReadOnlySpan<int> index, GroupState?[] states)
        where T : unmanaged, System.Numerics.INumberBase<T>
        where TUnit : unmanaged, System.Numerics.IBinaryInteger<TUnit>
    {
        foreach (var i in Bitmap.SetBits(present))
        {
            var unit = valid.IsEmpty || (valid[i >> 6] & (1UL << i)) != 0 ? long.CreateTruncating(units[i]) : GroupKey4.Null;
            states[index[i]]!.AddUnitTotal(a, unit, double.CreateTruncating(values[i]));
        }
    }

    /// <summary>Adds each row's offset in this key, times the key's stride, to its cell index.</summary>
    private static void AddKey(Key key, int start, int count, Span<int> index, int stride, bool first, SimdLevel level)
    {
        var column = key.Column;
        if (key.Receipts is { } receipts)
        {
            AddKey<int>(receipts.Values.AsSpan(0, count), key, index, stride, first, level);
        }
        else
        {
            // By the stored type, so narrow dictionary ids index their cells at their own width.
            switch (column.StoredType)
            {
                case LogicalType.Bool: AddKey(MemoryMarshal.Cast<bool, sbyte>(column.Stored<bool>()).Slice(start, count), key, index, stride, first, level); break;
                case LogicalType.Int8: AddKey(column.Stored<sbyte>().Slice(start, count), key, index, stride, first, level); break;
                case LogicalType.Int16: AddKey(column.Stored<short>().Slice(start, count), key, index, stride, first, level); break;
                case LogicalType.Int64: AddKey(column.Stored<long>().Slice(start, count), key, index, stride, first, level); break;
                default: AddKey(column.Stored<int>().Slice(start, count), key, index, stride, first, level); break;
            }
        }
        if (!key.HasNulls) return;
        // A null row holds zero in its slot and was placed by that zero: move it to the key's null slot.
        Span<ulong> nulls = stackalloc ulong[Bitmap.WordCount(count)];
        if (key.Receipts is { } gathered) gathered.Valid.AsSpan(0, nulls.Length).CopyTo(nulls);
        else column.ValidityWords(start, count, nulls);
        Bitmap.Not(nulls, count);
        var placed = (Derive(0, key.Derivation) - key.Base) / key.Step;
        foreach (var i in Bitmap.SetBits(nulls)) index[i] += (int)((key.Size - 1 - placed) * stride);
    }

    private static void AddKey<T>(ReadOnlySpan<T> values, Key key, Span<int> index, int stride, bool first, SimdLevel level)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        var (derivation, low, step, zone) = (key.Derivation, key.Base, key.Step, key.Zone);
        // Keys the kernel widens in the register: the value itself, or an age band of values it divides exactly
        // (a NULL's placeholder zero among them). Ids, years and fiscal years go the scalar way.
        if (typeof(T) != typeof(long) && derivation == Derivation.None)
        {
            CellIndex.Add(values, (int)low, stride, index, level, first);
            return;
        }
        if (typeof(T) != typeof(long) && derivation == Derivation.AgeBand && zone.Min >= 0 && zone.Max <= CellIndex.MaxFifths)
        {
            CellIndex.AddFifths(values, (int)(low / 5), stride, index, level, first);
            return;
        }
        if (first) index.Clear();
        if (derivation == Derivation.None)
        {
            for (var i = 0; i < values.Length; i++) index[i] += (int)((long.CreateTruncating(values[i]) - low) * stride);
            return;
        }
        for (var i = 0; i < values.Length; i++) index[i] += (int)((Derive(long.CreateTruncating(values[i]), derivation) - low) / step * stride);
    }

    /// <summary>The derived bands are monotonic, so a zone's min and max bound the derived values too.</summary>
    public static long Derive(long value, Derivation derivation) => derivation switch
    {
        Derivation.AgeBand => value / 5 * 5,
        Derivation.Year => value / 100,
        Derivation.FiscalYear => value % 100 >= 4 ? value / 100 : value / 100 - 1,
        _ => value,
    };

    public static bool Supports(Aggregate aggregate) => (aggregate.Kind, aggregate.Column?.Type) switch
    {
        (AggregateKind.Count, _) => true,
        (AggregateKind.Sum or AggregateKind.Avg, LogicalType.Int8 or LogicalType.Int16 or LogicalType.Int32 or LogicalType.Date or LogicalType.Month or LogicalType.Float32) => true,
        (AggregateKind.Min or AggregateKind.Max or AggregateKind.CountDistinct,
            LogicalType.Int8 or LogicalType.Int16 or LogicalType.Int32 or LogicalType.Int64 or LogicalType.Date or LogicalType.Month) => true,
        (AggregateKind.CountDistinct, LogicalType.Code or LogicalType.String) => true,
        _ => false,
    };
}
