using System.Numerics;
using System.Runtime.InteropServices;
using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.Engine.Query;

/// <summary>
/// The receipt rows of the block a scan worker is reading, for the <c>receipts.*</c> keys of a line-item query:
/// filled once per block from the dataset's link (<see cref="Dataset.Receipts"/>) and read by every such key. One
/// link serves one worker, block after block.
/// </summary>
internal sealed class ReceiptLink(int blockRows)
{
    private readonly int[] _rows = new int[blockRows];
    private readonly int[]?[] _values = new int[]?[4];
    private readonly ulong[]?[] _valid = new ulong[]?[4];
    private int _start;
    private int _count;

    /// <summary>The month's receipts partition of the block's lines.</summary>
    public DatasetPartition Receipts { get; private set; } = null!;

    /// <summary>Each line's receipt row, -1 for a line whose receipt the month lacks.</summary>
    public ReadOnlySpan<int> Rows => _rows.AsSpan(0, _count);

    public void Fill(Dataset dataset, DatasetPartition lines, int start, int count)
    {
        var link = dataset.Receipts(lines);
        link.Rows(start, count, _rows.AsSpan(0, count));
        (Receipts, _start, _count) = (link.Receipts, start, count);
    }

    /// <summary>The receipt row of partition row <paramref name="line"/> of the block; false for a line without its receipt.</summary>
    public bool TryRow(int line, out int receipt)
    {
        receipt = _rows[line - _start];
        return receipt >= 0;
    }

    /// <summary>
    /// Group key <paramref name="k"/>'s receipt column read for every line of the block, so the dense group-by takes it
    /// as it takes a line's own column: the values as ints (zero where the receipt or its value is missing, as a stored
    /// NULL holds), the lines that have one as bits, and their zone; the buffers are this worker's, as long as a
    /// block and valid for the block's lines until the next block. False for a column an int does not hold.
    /// </summary>
    public bool TryGather(int k, MappedColumn column, out int[] values, out ulong[] valid, out ZoneEntry zone)
    {
        values = _values[k] ??= new int[_rows.Length];
        valid = _valid[k] ??= new ulong[Kernels.Bitmap.WordCount(_rows.Length)];
        var into = values.AsSpan(0, _count);
        var present = valid.AsSpan(0, Kernels.Bitmap.WordCount(_count));
        var validity = column.ValidityBitmap;
        switch (column.StoredType)
        {
            case LogicalType.Int8: zone = Gather(column.Stored<sbyte>(), validity, Rows, into, present); return true;
            case LogicalType.Int16: zone = Gather(column.Stored<short>(), validity, Rows, into, present); return true;
            case LogicalType.Bool: zone = Gather(MemoryMarshal.Cast<bool, sbyte>(column.Stored<bool>()), validity, Rows, into, present); return true;
            case LogicalType.Int64 or LogicalType.Float32 or LogicalType.Hash: zone = default; return false;
            default: zone = Gather(column.Stored<int>(), validity, Rows, into, present); return true;
        }
    }

    private static ZoneEntry Gather<T>(ReadOnlySpan<T> source, ReadOnlySpan<byte> validity, ReadOnlySpan<int> rows, Span<int> values, Span<ulong> valid)
        where T : unmanaged, IBinaryInteger<T>
    {
        valid.Clear();
        var (min, max, nulls) = (long.MaxValue, long.MinValue, 0L);
        for (var i = 0; i < rows.Length; i++)
        {
            var row = rows[i];
            if (row < 0 || !Validity.IsValid(validity, row))
            {
                values[i] = 0;
                nulls++;
                continue;
            }
            var value = int.CreateTruncating(source[row]);
            values[i] = value;
            valid[i >> 6] |= 1UL << i;
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }
        return new ZoneEntry(min, max, nulls, rows.Length - nulls);
    }
}
