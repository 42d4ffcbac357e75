using Claims.Engine.Storage;

namespace Claims.Engine.Query;

internal static class PresentRows
{
    /// <summary>
    /// The selected rows an aggregate takes in a block: those where its column (and its <see cref="Aggregate.WhereNotNull"/>
    /// column) has a value, into <paramref name="present"/>. False when that is every selected row.
    /// </summary>
    public static bool Of(Aggregate aggregate, DatasetPartition partition, int start, int count, ReadOnlySpan<ulong> selected,
        Span<ulong> present, Span<ulong> valid)
    {
        selected.CopyTo(present);
        var narrowed = false;
        foreach (var schema in (ReadOnlySpan<Schema.ColumnSchema?>)[aggregate.Column, aggregate.WhereNotNull])
        {
            if (schema is null || !partition.Column(schema.Name).ValidityWords(start, count, valid)) continue;
            Kernels.Bitmap.And(present, valid);
            narrowed = true;
        }
        return narrowed;
    }
}
