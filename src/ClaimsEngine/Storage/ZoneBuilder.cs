using Claims.Engine.Schema;

namespace Claims.Engine.Storage;

/// <summary>Computes the zone entry of one block of stored values, skipping nulls.</summary>
internal static class ZoneBuilder
{
    /// <param name="block">The block's stored bytes.</param>
    /// <param name="validity">The column's whole validity bitmap, or empty when the column has no nulls.</param>
    /// <param name="firstRow">The block's first row within the column.</param>
    public static ZoneEntry Compute(LogicalType type, ReadOnlySpan<byte> block, ReadOnlySpan<byte> validity, long firstRow) =>
        type switch
        {
            LogicalType.Bool or LogicalType.Int8 => Integers<sbyte>(block, validity, firstRow),
            LogicalType.Int16 => Integers<short>(block, validity, firstRow),
            LogicalType.Int32 or LogicalType.Date or LogicalType.Month or LogicalType.Code or LogicalType.String
                => Integers<int>(block, validity, firstRow),
            LogicalType.Int64 => Integers<long>(block, validity, firstRow),
            LogicalType.Float32 => Floats(block, validity, firstRow),
            LogicalType.Hash => NullsOnly(block.Length / type.Width(), validity, firstRow),
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };

    private static ZoneEntry Integers<T>(ReadOnlySpan<byte> block, ReadOnlySpan<byte> validity, long firstRow) where T : unmanaged
    {
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(block);
        long min = long.MaxValue, max = long.MinValue, nulls = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (!Validity.IsValid(validity, firstRow + i))
            {
                nulls++;
                continue;
            }
            var v = Kernels.Integers.ToInt64(values[i]);
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        return new ZoneEntry(min, max, nulls, values.Length - nulls);
    }

    private static ZoneEntry Floats(ReadOnlySpan<byte> block, ReadOnlySpan<byte> validity, long firstRow)
    {
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(block);
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        long nulls = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (!Validity.IsValid(validity, firstRow + i))
            {
                nulls++;
                continue;
            }
            min = Math.Min(min, values[i]);
            max = Math.Max(max, values[i]);
        }
        return new ZoneEntry(BitConverter.DoubleToInt64Bits(min), BitConverter.DoubleToInt64Bits(max), nulls, values.Length - nulls);
    }

    private static ZoneEntry NullsOnly(int rows, ReadOnlySpan<byte> validity, long firstRow)
    {
        long nulls = 0;
        for (var i = 0; i < rows; i++)
            if (!Validity.IsValid(validity, firstRow + i)) nulls++;
        return new ZoneEntry(0, 0, nulls, rows - nulls);
    }
}
