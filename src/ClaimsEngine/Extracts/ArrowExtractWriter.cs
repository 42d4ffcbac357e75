using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using Claims.Engine.Storage;
using ParquetSharp;
using LogicalType = Claims.Engine.Schema.LogicalType;

namespace Claims.Engine.Extracts;

/// <summary>An extract as an Arrow IPC file (Feather v2), one record batch per batch, with the provenance as schema metadata.</summary>
internal sealed class ArrowExtractWriter : IExtractWriter
{
    private readonly FileStream _stream;
    private readonly Apache.Arrow.Schema _schema;
    private readonly ArrowFileWriter _writer;

    public ArrowExtractWriter(string path, ExtractBatch batch, IReadOnlyDictionary<string, string> metadata)
    {
        _schema = SchemaOf(batch, metadata);
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        _writer = new ArrowFileWriter(_stream, _schema, leaveOpen: true);
    }

    public void Write(ExtractBatch batch)
    {
        using var records = Records(_schema, batch);
        _writer.WriteRecordBatch(records);
    }

    /// <summary>The Arrow schema of <paramref name="batch"/>'s columns.</summary>
    public static Apache.Arrow.Schema SchemaOf(ExtractBatch batch, IReadOnlyDictionary<string, string>? metadata) =>
        new(batch.Columns.Select(c => new Field(c.Name, ArrowType(c.Type), nullable: true)), metadata);

    /// <summary>The batch's rows as an Arrow record batch of <paramref name="schema"/> (<see cref="SchemaOf"/>).</summary>
    public static RecordBatch Records(Apache.Arrow.Schema schema, ExtractBatch batch) =>
        new(schema, batch.Buffers.Select(b => Array(b, batch.Count)).ToArray(), batch.Count);

    public void Complete()
    {
        _writer.WriteEnd();
        _stream.Flush(flushToDisk: true);
    }

    public void Dispose()
    {
        _writer.Dispose();
        _stream.Dispose();
    }

    private static IArrowType ArrowType(LogicalType type) => type switch
    {
        LogicalType.Bool => BooleanType.Default,
        LogicalType.Int8 => Int8Type.Default,
        LogicalType.Int16 => Int16Type.Default,
        LogicalType.Int32 or LogicalType.Month => Int32Type.Default,
        LogicalType.Int64 => Int64Type.Default,
        LogicalType.Float32 => FloatType.Default,
        LogicalType.Date => Date32Type.Default,
        LogicalType.Code or LogicalType.String => StringType.Default,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an extract column type"),
    };

    private static IArrowArray Array(ColumnBuffer buffer, int count) => buffer switch
    {
        ValueBuffer<bool> b => Booleans(b.Values, count),
        ValueBuffer<sbyte> b => new Int8Array(Primitive(Int8Type.Default, b.Values, count, v => v)),
        ValueBuffer<short> b => new Int16Array(Primitive(Int16Type.Default, b.Values, count, v => v)),
        ValueBuffer<int> b => new Int32Array(Primitive(Int32Type.Default, b.Values, count, v => v)),
        ValueBuffer<long> b => new Int64Array(Primitive(Int64Type.Default, b.Values, count, v => v)),
        ValueBuffer<float> b => new FloatArray(Primitive(FloatType.Default, b.Values, count, v => v)),
        DateBuffer b => new Date32Array(Primitive(Date32Type.Default, b.Values, count, (Date v) => v.Days)),
        StringBuffer b => Strings(b.Values, count),
        _ => throw new ArgumentOutOfRangeException(nameof(buffer), buffer.Type, null),
    };

    private static ArrayData Primitive<T, TArrow>(IArrowType type, T?[] values, int count, Func<T, TArrow> convert)
        where T : struct where TArrow : struct
    {
        var data = new ArrowBuffer.Builder<TArrow>(count);
        var validity = new ArrowBuffer.BitmapBuilder(count);
        for (var i = 0; i < count; i++)
        {
            data.Append(values[i] is { } value ? convert(value) : default);
            validity.Append(values[i].HasValue);
        }
        return new ArrayData(type, count, validity.UnsetBitCount, 0, [validity.Build(), data.Build()]);
    }

    private static BooleanArray Booleans(bool?[] values, int count)
    {
        var builder = new BooleanArray.Builder().Reserve(count);
        for (var i = 0; i < count; i++)
        {
            if (values[i] is { } value) builder.Append(value);
            else builder.AppendNull();
        }
        return builder.Build();
    }

    /// <summary>The builder appends a null string as a null.</summary>
    private static StringArray Strings(string?[] values, int count) =>
        new StringArray.Builder().Reserve(count).AppendRange(values.Take(count)!).Build();
}
