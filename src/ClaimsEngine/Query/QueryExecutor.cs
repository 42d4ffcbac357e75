using System.Runtime.ExceptionServices;
using Claims.Engine.Kernels;
using Apache.Arrow;
using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.Engine.Query;

/// <summary>
/// Runs a query over a dataset: partitions and 64K-row blocks are skipped where zone maps prove nothing can match,
/// the where tree becomes a selection bitmap per block, and only the selected rows of the columns the query uses
/// are read (late materialisation) into per-thread group tables, merged at the end. Blocks run in parallel on
/// every core; per-query state is per block, so memory stays bounded whatever the dataset's size. A cancelled
/// token stops the scan between blocks with an <see cref="OperationCanceledException"/>.
/// The result is one Arrow record batch: the group-by columns, then the aggregates by their aliases.
/// </summary>
public static class QueryExecutor
{
    public static RecordBatch Execute(this Dataset dataset, string json, CancellationToken cancellationToken = default) =>
        dataset.Execute(QueryParser.Parse(json, dataset.Schema), cancellationToken);

    public static RecordBatch Execute(this Dataset dataset, QueryModel query, CancellationToken cancellationToken = default) =>
        dataset.Execute(query, ExecutionOptions.Default, cancellationToken);

    public static RecordBatch Execute(this Dataset dataset, QueryModel query, ExecutionOptions options, CancellationToken cancellationToken = default) =>
        dataset.Groups(query, cancellationToken, options: options).Batch();

    /// <summary>Runs the query and records in <paramref name="statistics"/> which blocks it read, and how.</summary>
    internal static RecordBatch Execute(this Dataset dataset, string json, ScanStatistics statistics, ExecutionOptions? options = null)
    {
        var query = QueryParser.Parse(json, dataset.Schema);
        return dataset.Groups(query, statistics: statistics, options: options).Batch();
    }

    /// <summary>
    /// The result's rows, one per group, before ordering and limit, each with the group's merged state (the sets
    /// behind its distinct counts, which disclosure control keys its noise on).
    /// </summary>
    internal static QueryResult Groups(this Dataset dataset, QueryModel query, CancellationToken cancellationToken = default, ScanStatistics? statistics = null,
        ExecutionOptions? options = null) =>
        dataset.Partial(query, null, cancellationToken, statistics, options).Finish();

    /// <summary>
    /// Scans <paramref name="partitions"/> of the query's table (all of them when null) into a partial aggregate,
    /// which merges with the partials of other partitions, here or in another process.
    /// </summary>
    internal static PartialAggregate Partial(this Dataset dataset, QueryModel query, IEnumerable<DatasetPartition>? partitions,
        CancellationToken cancellationToken = default, ScanStatistics? statistics = null, ExecutionOptions? options = null)
    {
        options ??= ExecutionOptions.Default;
        cancellationToken.ThrowIfCancellationRequested();
        var table = dataset.Table(query.From.Name);
        var parts = (partitions ?? table.Partitions).ToArray();
        if (parts.FirstOrDefault(p => p.Table != table.Schema) is { } stranger)
            throw new ClaimsException($"a partial of a {table.Name} query cannot scan {stranger.Table.Name}'s partition {stranger.Key}");
        var plan = QueryPlanner.Plan(query);
        var evaluator = new PredicateEvaluator(dataset);
        var strings = new GlobalStrings();
        var blocks = parts
            .SelectMany(p => Enumerable.Range(0, Blocks(p, dataset.Manifest.BlockRows)).Select(b => (Partition: p, Block: b)))
            .ToArray();
        var work = plan.Where is null ? blocks : Prune(plan.Where, evaluator, parts, dataset.Manifest.BlockRows, options, cancellationToken);
        statistics?.Record(blocks, work);
        // One table of groups per worker for the whole scan, each worker taking the next block until none is left:
        // Parallel.ForEach's local state lives only as long as one of its task replicas, which it retires every few
        // hundred milliseconds, so a long grouped scan would build (and zero) its groups' distinct sets again and again.
        var workers = Math.Max(1, Math.Min(options.Threads ?? Environment.ProcessorCount, work.Length));
        var tables = new Dictionary<GroupKey4, GroupState>[workers];
        var next = -1;
        Unwrapped(() =>
            Parallel.For(0, workers, options.Parallel(cancellationToken), worker =>
            {
                using var width = SimdLevels.Use(options.Simd);
                var groups = tables[worker] = [];
                var lastGroups = new LastGroups(query.Select.Count);
                // A block's selection and its unknown rows, written whole for every block, so one pair serves the worker's
                // blocks: allocated per block, they were most of what a filtered scan allocated.
                var selection = new ulong[PredicateEvaluator.Words(dataset.Manifest.BlockRows)];
                var unknown = new ulong[selection.Length];
                var receipts = query.GroupBy.Any(k => k.OfParent) || query.Select.Any(a => a.OfParent) ? new ReceiptLink(dataset.Manifest.BlockRows) : null;
                for (var i = Interlocked.Increment(ref next); i < work.Length && !cancellationToken.IsCancellationRequested; i = Interlocked.Increment(ref next))
                {
                    Scan(plan, dataset, evaluator, receipts, strings, work[i].Partition, work[i].Block, groups, lastGroups, selection, unknown, statistics);
                    // Read once the kernels have run: the width still in force then is the one they ran at.
                    statistics?.Ran(SimdLevels.Active);
                }
            }));
        cancellationToken.ThrowIfCancellationRequested();
        var merged = tables[0];
        foreach (var groups in tables.Skip(1))
            foreach (var (key, state) in groups)
            {
                if (merged.TryGetValue(key, out var existing)) existing.Merge(state);
                else merged[key] = state;
            }
        return PartialAggregate.Of(query, merged, strings);
    }

    /// <summary>
    /// The blocks whose zone maps say they may match. Reading a column's zones maps its file, and the first map reads
    /// and checksums the whole file: pruned on one thread, a cold scan read every predicate column at one stream's
    /// speed before the workers started (docs/benchmarks.md, "Out of core"). So partitions are pruned in parallel,
    /// each whole by one worker: two workers on one partition's blocks would wait on the same file's mapping.
    /// </summary>
    private static (DatasetPartition Partition, int Block)[] Prune(Predicate where, PredicateEvaluator evaluator, DatasetPartition[] partitions, int blockRows,
        ExecutionOptions options, CancellationToken cancellationToken)
    {
        var kept = new (DatasetPartition, int)[partitions.Length][];
        Unwrapped(() => Parallel.For(0, partitions.Length, options.Parallel(cancellationToken), i =>
            kept[i] = Enumerable.Range(0, Blocks(partitions[i], blockRows)).Where(b => evaluator.MayMatch(where, partitions[i], b)).Select(b => (partitions[i], b)).ToArray()));
        return [.. kept.SelectMany(k => k)];
    }

    /// <summary>
    /// Runs a parallel loop and throws its first failure as itself: a file failing its checksum mid-scan is the
    /// store's error naming the file, which a wrapper would hide from the caller's message (and a cluster could not
    /// send the wrapper back at all).
    /// </summary>
    private static void Unwrapped(Action loop)
    {
        try
        {
            loop();
        }
        catch (AggregateException e)
        {
            ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
    }

    private static int Blocks(DatasetPartition partition, int blockRows) => (partition.RowCount + blockRows - 1) / blockRows;

    private static void Scan(QueryPlan plan, Dataset dataset, PredicateEvaluator evaluator, ReceiptLink? receipts, GlobalStrings strings, DatasetPartition partition,
        int block, Dictionary<GroupKey4, GroupState> groups, LastGroups lastGroups, Span<ulong> selection, Span<ulong> unknown, ScanStatistics? statistics)
    {
        var blockRows = dataset.Manifest.BlockRows;
        var start = block * blockRows;
        var count = Math.Min(blockRows, partition.RowCount - start);
        var words = PredicateEvaluator.Words(count);
        var selected = selection[..words];
        if (plan.Where is null) Bitmap.SetAll(selected, count);
        else evaluator.Evaluate(plan.Where, partition, start, count, selected, unknown[..words]);

        var query = plan.Query;
        if (plan.Path == AggregationPath.Masked)
        {
            Vectorised.Aggregate(query, partition, block, start, count, selected, groups);
            return;
        }
        receipts?.Fill(dataset, partition, start, count);
        // The block's zones (its receipts' values, for a receipt's key) decide whether its keys fit the dense domain.
        if (plan.Path == AggregationPath.Dense && DenseGroups.TryAggregate(query, partition, block, start, count, selected, groups, lastGroups, strings, receipts, statistics))
            return;

        var keyReaders = query.GroupBy
            .Select(k => k.OfParent
                ? new ValueReader(receipts!.Receipts.Column(k.Column.Name), k.Derivation, strings, receipts)
                : new ValueReader(partition.Column(k.Column.Name), k.Derivation, strings)).ToArray();
        var aggregateReaders = query.Select.Select(a => a.Column is null ? null
            : a.OfParent ? new ValueReader(receipts!.Receipts.Column(a.Column.Name), Derivation.None, strings, receipts)
            : new ValueReader(partition.Column(a.Column.Name), Derivation.None, strings)).ToArray();
        var requiredValues = query.Select.Select(a => a.WhereNotNull is { } column ? partition.Column(column.Name) : null).ToArray();
        var requiredNulls = query.Select.Select(a => a.WhereNull is { } column ? partition.Column(column.Name) : null).ToArray();
        var unitReaders = query.Select.Select(a => a.PerUnit is { } unit ? new ValueReader(partition.Column(unit.Name), Derivation.None, strings) : null).ToArray();
        Span<long> key = stackalloc long[4];
        foreach (var i in Bitmap.SetBits(selected))
        {
            var row = start + i;
            key.Clear();
            for (var k = 0; k < keyReaders.Length; k++) key[k] = keyReaders[k].Read(row);
            var groupKey = new GroupKey4(key[0], key[1], key[2], key[3]);
            if (!groups.TryGetValue(groupKey, out var state)) groups[groupKey] = state = new GroupState(query.Select.Count);
            state.Rows++;
            for (var a = 0; a < aggregateReaders.Length; a++)
            {
                if (aggregateReaders[a] is not { } reader || requiredValues[a]?.IsNull(row) == true || requiredNulls[a]?.IsNull(row) == false) continue;
                var value = reader.Read(row);
                if (value == GroupKey4.Null) continue;
                state.NonNull[a]++;
                switch (query.Select[a].Kind)
                {
                    case AggregateKind.CountDistinct:
                        state.AddDistinct(a, value);
                        break;
                    case AggregateKind.Sum or AggregateKind.Avg or AggregateKind.Min or AggregateKind.Max when reader.IsFloat:
                        var d = BitConverter.Int64BitsToDouble(value);
                        state.DoubleSum[a] += d;
                        if (unitReaders[a] is { } floatUnit) state.AddUnitTotal(a, floatUnit.Read(row), d);
                        state.DoubleMin[a] = Math.Min(state.DoubleMin[a], d);
                        state.DoubleMax[a] = Math.Max(state.DoubleMax[a], d);
                        break;
                    case AggregateKind.Sum or AggregateKind.Avg or AggregateKind.Min or AggregateKind.Max:
                        state.LongSum[a] += value;
                        if (unitReaders[a] is { } unit) state.AddUnitTotal(a, unit.Read(row), value);
                        state.LongMin[a] = Math.Min(state.LongMin[a], value);
                        state.LongMax[a] = Math.Max(state.LongMax[a], value);
                        break;
                }
            }
        }
    }
}

/// <summary>
/// Reads one row of a column as a long: integers as themselves, floats as the bits of a double, codes and hashes
/// as query-wide numbers (<see cref="GlobalStrings"/>), NULL as <see cref="GroupKey4.Null"/>; applies a derived band.
/// Through a <paramref name="link"/>, the column is a receipt's and a line-item row reads its receipt's row.
/// </summary>
internal sealed class ValueReader(MappedColumn column, Derivation derivation, GlobalStrings strings, ReceiptLink? link = null)
{
    private readonly int[]? _map = column.Schema.Type.IsDictionary() ? strings.Map(column, derivation) : null;

    public bool IsFloat => column.Schema.Type == LogicalType.Float32;

    public long Read(int row)
    {
        if (link is not null && !link.TryRow(row, out row)) return GroupKey4.Null;
        if (column.IsNull(row)) return GroupKey4.Null;
        var value = column.IsConstant ? column.Constant : column.Schema.Type switch
        {
            LogicalType.Bool => column.Values<bool>()[row] ? 1L : 0L,
            LogicalType.Int8 => column.Values<sbyte>()[row],
            LogicalType.Int16 => column.Values<short>()[row],
            LogicalType.Int64 => column.Values<long>()[row],
            LogicalType.Float32 => BitConverter.DoubleToInt64Bits(column.Values<float>()[row]),
            LogicalType.Code or LogicalType.String => _map![column.Id(row)],
            LogicalType.Hash => strings.HashId(column.Hash(row)),
            _ => column.Values<int>()[row],
        };
        return DenseGroups.Derive(value, derivation);
    }
}
