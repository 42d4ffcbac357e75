using Claims.Engine.Linkage;
using Claims.Engine.Query;
using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.Engine.Cohorts;

/// <summary>
/// The rows of one table that match a where tree, handed over block by block as selection bitmaps: the scan under
/// every cohort rule and every population a disclosure check needs. Blocks run in parallel on every core and
/// skip where partition keys or zone maps prove nothing can match; a cancelled token stops the scan between blocks
/// with an <see cref="OperationCanceledException"/>. <see cref="ExecutionOptions"/> set the kernels' width and how
/// many blocks run at once for this scan alone.
/// </summary>
public static class EventScan
{
    /// <summary>Called once per block with any selected row, possibly on several threads at once.</summary>
    public delegate void BlockVisitor(DatasetPartition partition, int start, int count, ReadOnlySpan<ulong> selected);

    public static void Blocks(Dataset dataset, TableSchema table, Predicate? where, BlockVisitor visit, Func<int, bool>? months = null,
        CancellationToken cancellationToken = default, ExecutionOptions? options = null)
    {
        options ??= ExecutionOptions.Default;
        cancellationToken.ThrowIfCancellationRequested();
        var evaluator = new PredicateEvaluator(dataset);
        var blockRows = dataset.Manifest.BlockRows;
        var work = dataset.Table(table.Name).Partitions
            .Where(p => months is null || months(p.Key))
            .SelectMany(p => Enumerable.Range(0, (p.RowCount + blockRows - 1) / blockRows).Select(b => (Partition: p, Block: b)))
            .Where(w => where is null || evaluator.MayMatch(where, w.Partition, w.Block))
            .ToArray();
        Parallel.ForEach(work, options.Parallel(cancellationToken), item =>
        {
            // The loop stops handing out blocks only at its next check; a block claimed before then must not start.
            if (cancellationToken.IsCancellationRequested) return;
            using var width = Kernels.SimdLevels.Use(options.Simd);
            var start = item.Block * blockRows;
            var count = Math.Min(blockRows, item.Partition.RowCount - start);
            var selected = new ulong[PredicateEvaluator.Words(count)];
            if (where is null) Kernels.Bitmap.SetAll(selected, count);
            else evaluator.Evaluate(where, item.Partition, start, count, selected, new ulong[selected.Length]);
            if (selected.AsSpan().IndexOfAnyExcept(0UL) >= 0) visit(item.Partition, start, count, selected);
        });
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>The linked patients with at least one matching row, and the matching rows themselves.</summary>
    public static (PatientSet Patients, RowSelection Rows) Selection(Dataset dataset, TableSchema table, Predicate? where,
        CancellationToken cancellationToken = default, ExecutionOptions? options = null)
    {
        var patients = new PatientSet(PatientCount(dataset));
        var data = dataset.Table(table.Name);
        var (starts, total) = RowSelection.Layout(data);
        var partitionIndex = data.Partitions.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);
        var words = new ulong[(total + 63) >> 6];
        Blocks(dataset, table, where, (partition, start, count, selected) =>
        {
            var ids = PatientIds(partition);
            foreach (var i in Kernels.Bitmap.SetBits(selected))
            {
                if (!ids.IsNull(start + i)) patients.AddConcurrently(ids.Values<int>()[start + i]);
            }
            // Blocks of one partition are 64-row aligned, but a partition starts anywhere: a block's words can share
            // an edge word with a neighbour running on another thread.
            var first = starts[partitionIndex[partition]] + start;
            for (var w = 0; w < selected.Length; w++)
            {
                if (selected[w] == 0) continue;
                var global = first + ((long)w << 6);
                var shift = (int)(global & 63);
                Interlocked.Or(ref words[global >> 6], selected[w] << shift);
                if (shift != 0 && (global >> 6) + 1 < words.Length) Interlocked.Or(ref words[(global >> 6) + 1], selected[w] >> (64 - shift));
            }
        }, cancellationToken: cancellationToken, options: options);
        return (patients, new RowSelection(table.Name, total, words));
    }

    public static bool IsLinked(Dataset dataset) => TryPatientCount(dataset, out _);

    /// <summary>The number of linked patients (patient ids run from 0 to this − 1); a dataset never linked has none.</summary>
    public static int PatientCount(Dataset dataset) =>
        TryPatientCount(dataset, out var count)
            ? count
            : throw new ClaimsException($"the dataset at '{dataset.Directory}' is not linked (no patient ids); run `claims link --data {dataset.Directory}` first");

    public static bool TryPatientCount(Dataset dataset, out int count) => TryPatientCount(dataset.Manifest, out count);

    /// <summary>The linked patients a manifest records (a shard's are its source's); false when the dataset was never linked.</summary>
    public static bool TryPatientCount(DatasetManifest manifest, out int count)
    {
        count = 0;
        return manifest.Provenance.Parameters.TryGetValue("patients", out var text) && int.TryParse(text, out count) && count >= 0;
    }

    internal static MappedColumn PatientIds(DatasetPartition partition) => partition.Column(PatientIdWriter.Column);
}
