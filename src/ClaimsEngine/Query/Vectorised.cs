using Claims.Engine.Kernels;
using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.Engine.Query;

/// <summary>
/// Aggregates without group-by straight from the selection bitmap with the masked SIMD kernels, never visiting
/// rows one by one: counts by popcount, sums by masked sums, min and max by masked min/max, distinct integers
/// straight from the selected values. Queries it cannot serve (distinct codes, min of a small integer) take another
/// path (<see cref="QueryPlanner"/>).
/// </summary>
internal static class Vectorised
{
    public static void Aggregate(QueryModel query, DatasetPartition partition, int block, int start, int count, ReadOnlySpan<ulong> selected,
        Dictionary<GroupKey4, GroupState> groups)
    {
        if (!groups.TryGetValue(default, out var state)) groups[default] = state = new GroupState(query.Select.Count);
        state.Rows += Bitmap.PopCount(selected);
        Span<ulong> present = stackalloc ulong[selected.Length];
        Span<ulong> valid = stackalloc ulong[selected.Length];
        for (var a = 0; a < query.Select.Count; a++)
        {
            if (query.Select[a].Column is not { } schema) continue;
            var column = partition.Column(schema.Name);
            PresentRows.Of(query.Select[a], partition, start, count, selected, present, valid);
            var nonNull = Bitmap.PopCount(present);
            state.NonNull[a] += nonNull;
            if (nonNull == 0) continue;
            var zone = column.Zones[block];
            switch (query.Select[a].Kind, schema.Type)
            {
                case (AggregateKind.Count, _):
                    break;
                case (AggregateKind.CountDistinct, LogicalType.Int64):
                    state.AddDistinct(a, column.Values<long>().Slice(start, count), present, nonNull, zone.Min, zone.Max);
                    break;
                case (AggregateKind.CountDistinct, LogicalType.Int16):
                    state.AddDistinct(a, column.Values<short>().Slice(start, count), present, nonNull, zone.Min, zone.Max);
                    break;
                case (AggregateKind.CountDistinct, LogicalType.Int8):
                    state.AddDistinct(a, column.Values<sbyte>().Slice(start, count), present, nonNull, zone.Min, zone.Max);
                    break;
                case (AggregateKind.CountDistinct, _):
                    state.AddDistinct(a, column.Values<int>().Slice(start, count), present, nonNull, zone.Min, zone.Max);
                    break;
                case (AggregateKind.Sum or AggregateKind.Avg, LogicalType.Float32):
                    state.DoubleSum[a] += MaskedSum.Sum(column.Values<float>().Slice(start, count), present);
                    break;
                case (AggregateKind.Sum or AggregateKind.Avg, LogicalType.Int8):
                    state.LongSum[a] += MaskedSum.Sum(column.Values<sbyte>().Slice(start, count), present);
                    break;
                case (AggregateKind.Sum or AggregateKind.Avg, LogicalType.Int16):
                    state.LongSum[a] += MaskedSum.Sum(column.Values<short>().Slice(start, count), present);
                    break;
                case (AggregateKind.Sum or AggregateKind.Avg, LogicalType.Int64):
                    state.LongSum[a] += SumInt64(column.Values<long>().Slice(start, count), present);
                    break;
                case (AggregateKind.Sum or AggregateKind.Avg, _):
                    state.LongSum[a] += MaskedSum.Sum(column.Values<int>().Slice(start, count), present);
                    break;
                case (AggregateKind.Min, LogicalType.Int64):
                    state.LongMin[a] = Math.Min(state.LongMin[a], MaskedMinMax.Min(column.Values<long>().Slice(start, count), present)!.Value);
                    break;
                case (AggregateKind.Max, LogicalType.Int64):
                    state.LongMax[a] = Math.Max(state.LongMax[a], MaskedMinMax.Max(column.Values<long>().Slice(start, count), present)!.Value);
                    break;
                case (AggregateKind.Min, _):
                    state.LongMin[a] = Math.Min(state.LongMin[a], MaskedMinMax.Min(column.Values<int>().Slice(start, count), present)!.Value);
                    break;
                case (AggregateKind.Max, _):
                    state.LongMax[a] = Math.Max(state.LongMax[a], MaskedMinMax.Max(column.Values<int>().Slice(start, count), present)!.Value);
                    break;
            }
        }
    }

    /// <summary>int64 sums can pass the long range (ids); summed exactly, the kernel's long would wrap.</summary>
    private static Int128 SumInt64(ReadOnlySpan<long> values, ReadOnlySpan<ulong> selected)
    {
        Int128 sum = 0;
        foreach (var i in Bitmap.SetBits(selected)) sum += values[i];
        return sum;
    }

    public static bool Supports(Aggregate aggregate) => (aggregate.Kind, aggregate.Column?.Type) switch
    {
        _ when aggregate.PerUnit is not null => false,
        (AggregateKind.Count, _) => true,
        (_, LogicalType.Code or LogicalType.String or LogicalType.Hash or LogicalType.Bool or LogicalType.Float32) when aggregate.Kind == AggregateKind.CountDistinct => false,
        (AggregateKind.CountDistinct, _) => true,
        (_, LogicalType.Code or LogicalType.String or LogicalType.Hash or LogicalType.Bool) => false,
        (AggregateKind.Sum or AggregateKind.Avg, _) => true,
        (AggregateKind.Min or AggregateKind.Max, LogicalType.Int32 or LogicalType.Int64 or LogicalType.Date or LogicalType.Month) => true,
        _ => false,
    };
}
