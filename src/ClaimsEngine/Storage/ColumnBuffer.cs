using System.Buffers;
using Apache.Arrow;
using Claims.Engine.Schema;
using ParquetSharp;
using Column = ParquetSharp.Column;
using LogicalType = Claims.Engine.Schema.LogicalType;

namespace Claims.Engine.Storage;

/// <summary>
/// Up to <see cref="Capacity"/> rows of one column, gathered from memory-mapped columns into the nullable arrays
/// ParquetSharp writes directly and the Arrow and CSV writers read. Buffers are allocated once and refilled, so
/// writing a table of any size holds one buffer's worth of rows per column.
/// </summary>
internal abstract class ColumnBuffer(LogicalType type, int capacity)
{
    public LogicalType Type { get; } = type;
    public int Capacity { get; } = capacity;

    /// <summary>A buffer for values of <paramref name="type"/>: codes and strings become strings, hashes 64 hex digits, dates Parquet dates.</summary>
    public static ColumnBuffer For(LogicalType type, int capacity) => type switch
    {
        LogicalType.Bool => new ValueBuffer<bool>(type, capacity),
        LogicalType.Int8 => new ValueBuffer<sbyte>(type, capacity),
        LogicalType.Int16 => new ValueBuffer<short>(type, capacity),
        LogicalType.Int32 or LogicalType.Month => new ValueBuffer<int>(type, capacity),
        LogicalType.Int64 => new ValueBuffer<long>(type, capacity),
        LogicalType.Float32 => new ValueBuffer<float>(type, capacity),
        LogicalType.Date => new DateBuffer(capacity),
        LogicalType.Code or LogicalType.String or LogicalType.Hash => new StringBuffer(type, capacity),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Copies the values of <paramref name="rows"/> of <paramref name="column"/> into the buffer from <paramref name="offset"/> on.</summary>
    public abstract void Gather(MappedColumn column, ReadOnlySpan<int> rows, int offset);

    /// <summary>
    /// Copies <paramref name="count"/> values of <paramref name="array"/> from <paramref name="start"/> on into the buffer
    /// from <paramref name="offset"/> on: rows that come as Arrow (a shard's extract) rather than from a mapped column.
    /// </summary>
    public abstract void Load(IArrowArray array, int start, int count, int offset);

    /// <summary>The Parquet column these values are written as.</summary>
    public abstract Column ParquetColumn(string name);

    private protected ClaimsException Unlike(IArrowArray array) => new($"an Arrow {array.Data.DataType.Name} column does not hold {Type} values");

    /// <summary>Writes the first <paramref name="count"/> values as the next column of a Parquet row group.</summary>
    public abstract void WriteParquet(ColumnWriter writer, int count);
}

/// <summary>Values stored as they are written: booleans, integers, months, floats.</summary>
internal sealed class ValueBuffer<T>(LogicalType type, int capacity) : ColumnBuffer(type, capacity) where T : unmanaged, IEquatable<T>
{
    public T?[] Values { get; } = new T?[capacity];

    public override void Gather(MappedColumn column, ReadOnlySpan<int> rows, int offset)
    {
        var values = ArrayPool<T>.Shared.Rent(rows.Length);
        column.Gather<T>(rows, values);
        var validity = column.ValidityBitmap;
        var output = Values.AsSpan(offset, rows.Length);
        for (var i = 0; i < rows.Length; i++) output[i] = Validity.IsValid(validity, rows[i]) ? values[i] : null;
        ArrayPool<T>.Shared.Return(values);
    }

    public override void Load(IArrowArray array, int start, int count, int offset)
    {
        var output = Values.AsSpan(offset, count);
        switch (array)
        {
            case PrimitiveArray<T> values when array is not Date32Array:
                for (var i = 0; i < count; i++) output[i] = values.GetValue(start + i);
                break;
            case BooleanArray flags when Values is bool?[] booleans:
                for (var i = 0; i < count; i++) booleans[offset + i] = flags.GetValue(start + i);
                break;
            default:
                throw Unlike(array);
        }
    }

    public override Column ParquetColumn(string name) => new Column<T?>(name);

    public override void WriteParquet(ColumnWriter writer, int count)
    {
        using var logical = writer.LogicalWriter<T?>();
        logical.WriteBatch(Values.AsSpan(0, count));
    }
}

/// <summary>Dates as Parquet DATE (days since 1970-01-01, as the store keeps them).</summary>
internal sealed class DateBuffer(int capacity) : ColumnBuffer(LogicalType.Date, capacity)
{
    public Date?[] Values { get; } = new Date?[capacity];

    public override void Gather(MappedColumn column, ReadOnlySpan<int> rows, int offset)
    {
        var values = ArrayPool<int>.Shared.Rent(rows.Length);
        column.Gather<int>(rows, values);
        var validity = column.ValidityBitmap;
        var output = Values.AsSpan(offset, rows.Length);
        for (var i = 0; i < rows.Length; i++) output[i] = Validity.IsValid(validity, rows[i]) ? new Date(values[i]) : null;
        ArrayPool<int>.Shared.Return(values);
    }

    public override void Load(IArrowArray array, int start, int count, int offset)
    {
        if (array is not Date32Array days) throw Unlike(array);
        var output = Values.AsSpan(offset, count);
        for (var i = 0; i < count; i++) output[i] = days.GetValue(start + i) is { } day ? new Date(day) : null;
    }

    public override Column ParquetColumn(string name) => new Column<Date?>(name);

    public override void WriteParquet(ColumnWriter writer, int count)
    {
        using var logical = writer.LogicalWriter<Date?>();
        logical.WriteBatch(Values.AsSpan(0, count));
    }
}

/// <summary>Codes and strings decoded from their dictionaries (each id decoded once per file), hashes as hex.</summary>
internal sealed class StringBuffer(LogicalType type, int capacity) : ColumnBuffer(type, capacity)
{
    public string?[] Values { get; } = new string?[capacity];

    public override void Gather(MappedColumn column, ReadOnlySpan<int> rows, int offset)
    {
        var output = Values.AsSpan(offset, rows.Length);
        if (column.Schema.Type == LogicalType.Hash)
        {
            for (var i = 0; i < rows.Length; i++) output[i] = (string?)column.GetValue(rows[i]);
            return;
        }
        var ids = ArrayPool<int>.Shared.Rent(rows.Length);
        column.Gather<int>(rows, ids);
        var validity = column.ValidityBitmap;
        var dictionary = column.Dictionary;
        for (var i = 0; i < rows.Length; i++) output[i] = Validity.IsValid(validity, rows[i]) ? dictionary[ids[i]] : null;
        ArrayPool<int>.Shared.Return(ids);
    }

    public override void Load(IArrowArray array, int start, int count, int offset)
    {
        if (array is not StringArray strings) throw Unlike(array);
        var output = Values.AsSpan(offset, count);
        for (var i = 0; i < count; i++) output[i] = strings.IsNull(start + i) ? null : strings.GetString(start + i);
    }

    public override Column ParquetColumn(string name) => new Column<string>(name);

    public override void WriteParquet(ColumnWriter writer, int count)
    {
        using var logical = writer.LogicalWriter<string?>();
        logical.WriteBatch(Values.AsSpan(0, count));
    }
}
