using Claims.Engine.Schema;

namespace Claims.Engine.Storage;

/// <summary>
/// Copies chosen rows of a stored partition into a <see cref="RowBatch"/>, so that a subset of a dataset can be
/// written as a dataset of its own. Codes and strings go over as their text: the new partition builds its own
/// dictionary, since ids are only meaningful within the file they come from.
/// </summary>
internal static class RowCopy
{
    /// <summary>Copies <paramref name="rows"/> (row numbers in <paramref name="source"/>) into the batch's first rows and sets its count.</summary>
    public static void Into(RowBatch batch, DatasetPartition source, ReadOnlySpan<int> rows)
    {
        if (batch.Table != source.Table)
            throw new SchemaException($"rows of table '{source.Table.Name}' cannot go into a batch of '{batch.Table.Name}'");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows.Length, batch.Capacity);
        batch.Count = rows.Length;
        for (var c = 0; c < source.Table.Columns.Count; c++) Column(batch, c, source.Columns[c], rows);
    }

    private static void Column(RowBatch batch, int c, MappedColumn column, ReadOnlySpan<int> rows)
    {
        var type = column.Schema.Type;
        if (type.IsDictionary())
        {
            var target = batch.Strings(c);
            var ids = System.Buffers.ArrayPool<int>.Shared.Rent(rows.Length);
            column.Gather<int>(rows, ids);
            for (var i = 0; i < rows.Length; i++) target[i] = column.IsNull(rows[i]) ? null : column.Dictionary[ids[i]];
            System.Buffers.ArrayPool<int>.Shared.Return(ids);
            return;
        }
        switch (type)
        {
            case LogicalType.Hash:
                var hashes = batch.Hashes(c);
                for (var i = 0; i < rows.Length; i++) column.Hash(rows[i]).CopyTo(hashes.AsSpan(i * 32, 32));
                break;
            case LogicalType.Bool: column.Gather<bool>(rows, batch.Values<bool>(c)); break;
            case LogicalType.Int8: column.Gather<sbyte>(rows, batch.Values<sbyte>(c)); break;
            case LogicalType.Int16: column.Gather<short>(rows, batch.Values<short>(c)); break;
            case LogicalType.Int32 or LogicalType.Date or LogicalType.Month: column.Gather<int>(rows, batch.Values<int>(c)); break;
            case LogicalType.Int64: column.Gather<long>(rows, batch.Values<long>(c)); break;
            case LogicalType.Float32: column.Gather<float>(rows, batch.Values<float>(c)); break;
            default: throw new InvalidOperationException($"no copier for column {column.Schema}");
        }
        if (!column.Schema.Nullable) return;
        var nulls = batch.Nulls(c);
        for (var i = 0; i < rows.Length; i++) nulls[i] = column.IsNull(rows[i]);
    }
}
