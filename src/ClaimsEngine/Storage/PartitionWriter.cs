using Claims.Engine.Schema;

namespace Claims.Engine.Storage;

/// <summary>
/// Appends row groups to one partition (one table, one month). Appends to the same partition are serialised;
/// different partitions can be written from different threads.
/// </summary>
public sealed class PartitionWriter : IDisposable
{
    private readonly ColumnFileWriter[] _columns;
    private readonly Lock _lock = new();
    private long _rows;

    internal PartitionWriter(TableSchema table, int key, string directory, string relativePath, int blockRows)
    {
        Table = table;
        Key = key;
        RelativePath = relativePath;
        Directory.CreateDirectory(directory);
        _columns = table.Columns.Select(c => new ColumnFileWriter(Path.Combine(directory, c.Name + ".col"), c, blockRows)).ToArray();
    }

    public TableSchema Table { get; }
    public int Key { get; }
    internal string RelativePath { get; }

    public long RowCount
    {
        get { lock (_lock) return _rows; }
    }

    /// <summary>Appends the batch's rows; a null in a non-null column or a row of another month is an error naming it.</summary>
    public void Append(RowBatch batch)
    {
        if (batch.Table != Table)
            throw new SchemaException($"a batch of table '{batch.Table.Name}' cannot go into table '{Table.Name}'");
        Check(batch);
        lock (_lock)
        {
            if (_rows + batch.Count > int.MaxValue)
                throw new ClaimsException($"partition {Table.Name}/{Key} would exceed {int.MaxValue} rows");
            for (var i = 0; i < _columns.Length; i++) AppendColumn(batch, i);
            _rows += batch.Count;
        }
    }

    private void Check(RowBatch batch)
    {
        var partition = batch.Values<int>(Table.IndexOf(Table.PartitionColumn.Name)).AsSpan(0, batch.Count);
        var stray = partition.IndexOfAnyExcept(Key);
        if (stray >= 0)
            throw new ClaimsException($"{Table.Name}: row {stray} has {Table.PartitionColumn.Name} {partition[stray]}, but this partition holds {Key}");
        for (var c = 0; c < Table.Columns.Count; c++)
        {
            var column = Table.Columns[c];
            if (column.Nullable) continue;
            var hasNull = column.Type.IsDictionary()
                ? Array.IndexOf(batch.Strings(c), null, 0, batch.Count) >= 0
                : batch.RawNulls(c).Contains(true);
            if (hasNull) throw new ClaimsException($"column {column} is not nullable, but the batch has a null in it");
        }
    }

    private void AppendColumn(RowBatch batch, int column)
    {
        var writer = _columns[column];
        var nulls = batch.RawNulls(column);
        var count = batch.Count;
        // Switch on the logical type, not the array's runtime type: the CLR lets byte[] pass as sbyte[] or bool[].
        var values = batch.RawValues(column);
        switch (Table.Columns[column].Type)
        {
            case LogicalType.Code or LogicalType.String: writer.AppendStrings(((string?[])values).AsSpan(0, count)); break;
            case LogicalType.Bool: writer.Append(((bool[])values).AsSpan(0, count), nulls); break;
            case LogicalType.Int8: writer.Append(((sbyte[])values).AsSpan(0, count), nulls); break;
            case LogicalType.Int16: writer.Append(((short[])values).AsSpan(0, count), nulls); break;
            case LogicalType.Int32 or LogicalType.Date or LogicalType.Month: writer.Append(((int[])values).AsSpan(0, count), nulls); break;
            case LogicalType.Int64: writer.Append(((long[])values).AsSpan(0, count), nulls); break;
            case LogicalType.Float32: writer.Append(((float[])values).AsSpan(0, count), nulls); break;
            case LogicalType.Hash: writer.Append(((byte[])values).AsSpan(0, count * LogicalType.Hash.Width()), nulls); break;
            default: throw new InvalidOperationException($"no writer for column {Table.Columns[column]}");
        }
    }

    internal PartitionManifest Seal()
    {
        var files = new ColumnFileEntry[_columns.Length];
        Parallel.For(0, _columns.Length, i => files[i] = _columns[i].Seal());
        return new PartitionManifest(Key, _rows, RelativePath, files);
    }

    public void Dispose()
    {
        foreach (var column in _columns) column.Dispose();
    }
}
