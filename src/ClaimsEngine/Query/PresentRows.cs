using Claims.Engine.Storage;

namespace Claims.Engine.Query;

internal static class PresentRows
{
    /// <summary>
    /// The selected rows an aggregate takes in a block: those where its column (and its <see cref="Aggregate.WhereNotNull"/>
    /// column) has a value and its <see cref="Aggregate.WhereNull"/> column has none, into <paramref name="present"/>.
    /// False when that is every selected row.
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
        if (aggregate.WhereNull is { } missing)
        {
            // A block whose column has no validity words holds no nulls, so no row of it is taken.
            if (partition.Column(missing.Name).ValidityWords(start, count, valid)) Kernels.Bitmap.AndNot(present, valid);
            else present.Clear();
            narrowed = true;
        }
        return narrowed;
    }
}
