using Claims.Engine.Schema;

namespace Claims.Engine.Storage;

/// <summary>
/// The new file of one column of one partition, streamed through the same <see cref="ColumnFileWriter"/> as every
/// other column (so it gets zone maps, validity and a checksum alike). Append exactly the partition's rows; the
/// <see cref="DatasetRewriter"/> that made it seals and closes it.
/// </summary>
internal sealed class ColumnReplacement
{
    private readonly ColumnFileWriter _writer;

    internal ColumnReplacement(string path, ColumnSchema column, int blockRows, string table, int key, long expectedRows)
    {
        if (column.Type.IsDictionary())
            throw new SchemaException($"column {column} is {column.Type.Name()}; only fixed-width columns can be replaced");
        Column = column;
        Table = table;
        Key = key;
        ExpectedRows = expectedRows;
        _writer = new ColumnFileWriter(path, column, blockRows);
    }

    public ColumnSchema Column { get; }
    public string Table { get; }
    public int Key { get; }
    public long ExpectedRows { get; }
    public long Rows => _writer.Rows;

    /// <summary>The next rows' values (<typeparamref name="T"/> is the column's storage type); <paramref name="nulls"/> is empty or one flag a row.</summary>
    public void Append<T>(ReadOnlySpan<T> values, ReadOnlySpan<bool> nulls = default) where T : unmanaged
    {
        if (typeof(T) != Column.Type.StorageType())
            throw new SchemaException($"column {Column} stores {Column.Type.StorageType().Name}, not {typeof(T).Name}");
        var rows = Column.Type == LogicalType.Hash ? values.Length / Column.Type.Width() : values.Length;
        if (!nulls.IsEmpty && nulls.Length != rows)
            throw new ClaimsException($"column {Column} of {Table}/{Key}: {nulls.Length} null flags for {rows} values");
        if (!Column.Nullable && nulls.Contains(true))
            throw new ClaimsException($"column {Column} is not nullable, but the replacement has a null in it");
        if (Rows + rows > ExpectedRows)
            throw new ClaimsException($"column {Column} of {Table}/{Key}: more than the partition's {ExpectedRows} rows appended");
        _writer.Append(values, nulls);
    }

    internal void ThrowIfIncomplete()
    {
        if (Rows != ExpectedRows)
            throw new ClaimsException($"column {Column} of {Table}/{Key}: {Rows} rows appended, the partition has {ExpectedRows}");
    }

    internal ColumnFileEntry Seal()
    {
        ThrowIfIncomplete();
        return _writer.Seal();
    }

    internal void Close() => _writer.Dispose();
}
