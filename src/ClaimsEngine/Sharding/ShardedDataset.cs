using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Apache.Arrow;
using Claims.Engine.Cohorts;
using Claims.Engine.Extracts;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.Engine.Sharding;

/// <summary>
/// A split dataset (<see cref="DatasetShards"/>) as its coordinator sees it: the cluster manifest and every shard's
/// manifest, read from the storage the shards live on, and a transport that runs each query's scan on the shards
/// (<see cref="IShardTransport"/>). Only shard 0 is opened here, for its schema and manifest; no column file is read
/// in this process. Queries scatter one <see cref="ShardWork"/>, merge the partial aggregates the shards send back and
/// finish once; <see cref="DisclosureControl.Apply(ShardedDataset, string, DisclosureRequest, CancellationToken)"/>
/// runs every rule on the merged result only, so a shard's partial never reaches a caller.
/// </summary>
public sealed class ShardedDataset : IDisposable
{
    private readonly IShardTransport _transport;
    private readonly ConcurrentDictionary<(string Table, string Column), double> _caps = new();
    private readonly MonthRange? _period;
    private readonly ConcurrentDictionary<MonthRange, ShardedDataset>? _periods;
    private readonly IReadOnlyDictionary<(string Table, int Month), long> _rows;
    private readonly IReadOnlyList<MonthRange?> _shardMonths;
    private readonly int _patients;

    private ShardedDataset(string directory, ClusterManifest cluster, IReadOnlyList<ShardAddress> shards, Dataset describing, IShardTransport transport,
        MonthRange? period, IReadOnlyDictionary<(string Table, int Month), long> rows, IReadOnlyList<MonthRange?> shardMonths)
    {
        _rows = rows;
        _shardMonths = shardMonths;
        _patients = EventScan.TryPatientCount(describing.Manifest, out var patients) ? patients : 0;
        Directory = directory;
        Cluster = cluster;
        Describing = describing;
        _transport = transport;
        _period = period;
        _periods = period is null ? new() : null;
        Shards = shards;
    }

    /// <summary>The cluster's folder, as this process sees it.</summary>
    public string Directory { get; }

    public ClusterManifest Cluster { get; }

    /// <summary>The shards, in the cluster manifest's order, each with the manifest hash checked here: what the transport addresses.</summary>
    public IReadOnlyList<ShardAddress> Shards { get; }

    public ClaimsSchema Schema => Describing.Schema;

    public DatasetManifest Manifest => Describing.Manifest;

    internal Dataset Describing { get; }

    /// <summary>
    /// Opens the cluster in <paramref name="directory"/> (its cluster.json) for queries through <paramref name="transport"/>.
    /// Every shard must be a folder of the cluster's own, one shard of the split cluster.json names (its source's
    /// manifest hash), each once, of one dataset and access, holding the rows cluster.json says: anything else would
    /// count patients twice, leave some out, key two datasets' cells alike or size the caps' samples wrongly.
    /// </summary>
    public static ShardedDataset Open(string directory, IShardTransport transport)
    {
        directory = Path.GetFullPath(directory);
        var cluster = ClusterManifest.Read(directory);
        var file = Path.Combine(directory, ClusterManifest.FileName);
        if (cluster.Shards.Count == 0) throw new StoreException(file, "names no shards");
        if (cluster.Shards.FirstOrDefault(s => s.Path != Path.GetFileName(s.Path) || s.Path is "" or "." or "..") is { } outside)
            throw new StoreException(file, $"shard '{outside.Path}' is not a folder of the cluster's own");
        var addresses = cluster.Shards.Select(s => Path.Combine(directory, s.Path)).Select(d => new ShardAddress(d, ShardAddress.ManifestHashOf(d))).ToArray();
        var manifests = addresses.Select(a => DatasetManifest.Read(a.Directory)).ToList();
        if (!DatasetShards.IsWholeSplit([.. manifests.Select(m => m.Provenance)])
            || manifests[0].Provenance.Parameters.GetValueOrDefault(DatasetShards.SplitOf) != cluster.SourceManifestSha256)
            throw new StoreException(file, $"its {manifests.Count} shards are not every shard of its split, each once");
        if (manifests.Any(m => RecordKeys.IdentityOf(m) != RecordKeys.IdentityOf(manifests[0]) || m.Access != cluster.Access))
            throw new StoreException(file, "its shards come from different datasets or differ in access");
        for (var s = 0; s < manifests.Count; s++)
            if (manifests[s].Tables.FirstOrDefault(t => cluster.Shards[s].Rows.GetValueOrDefault(t.Name, -1) != t.RowCount) is { } differs)
                throw new StoreException(file, $"its rows of {cluster.Shards[s].Path}'s {differs.Name} are not the shard's own");
        var describing = addresses[0].Open();
        // Rows by table and month over every shard, from their manifests: a cap's sample is sized by the rows the
        // question reads (a period's, where one is set), as one node sizes it by its period view's.
        var rows = manifests.SelectMany(m => m.Tables).SelectMany(t => t.Partitions.Select(p => (t.Name, p.Key, p.RowCount)))
            .GroupBy(x => (x.Name, x.Key)).ToDictionary(g => g.Key, g => g.Sum(x => x.RowCount));
        // Each shard's months, first to last, as the shard's own dataset gives them: which shards must answer for a period.
        var shardMonths = manifests.Select(m => m.Tables.SelectMany(t => t.Partitions).Select(p => p.Key).ToArray() is { Length: > 0 } keys
            ? new MonthRange(keys.Min(), keys.Max()) : (MonthRange?)null).ToArray();
        return new ShardedDataset(directory, cluster, addresses, describing, transport, null, rows, shardMonths);
    }

    /// <summary>
    /// The split dataset seen through <paramref name="months"/>, as a project approved for that period sees it: each
    /// shard answers from its own period view. Kept per period, so the caps read for it are read once.
    /// </summary>
    public ShardedDataset Period(MonthRange months)
    {
        if (months.Problem() is { } problem) throw new ClaimsException($"period: {problem}");
        if (_periods is null) throw new InvalidOperationException("a period is taken of the opened split dataset, not of another period");
        // Against the months of every shard: a shard may hold none of a period another holds (it answers nothing).
        if (!months.Overlaps(Months))
            throw new ClaimsException($"period {months} holds none of the dataset's months ({Months?.ToString() ?? "none"})");
        return _periods.GetOrAdd(months, _ => new ShardedDataset(Directory, Cluster, Shards, Describing, _transport, months, _rows, _shardMonths));
    }

    /// <summary>
    /// The last <paramref name="months"/> months of the split dataset as a period of it; a period is read whole (it
    /// keeps no link to the dataset it is a period of, and never shows a month outside itself).
    /// </summary>
    internal ShardedDataset Last(int months)
    {
        if (_periods is null || Months is not { } shown) return this;
        var from = MonthKey.FromAbsolute(Math.Max(MonthKey.ToAbsolute(shown.From), MonthKey.ToAbsolute(shown.To) - Math.Max(1, months) + 1));
        return from == shown.From ? this : Period(new MonthRange(from, shown.To));
    }

    /// <summary>The months any shard holds, first to last; null when none holds any.</summary>
    public MonthRange? Months => _rows.Count == 0 ? null : new MonthRange(_rows.Keys.Min(k => k.Month), _rows.Keys.Max(k => k.Month));

    /// <summary>The months any shard holds, each once, in order.</summary>
    public IReadOnlyList<int> MonthKeys => [.. _rows.Keys.Select(k => k.Month).Distinct().Order()];

    /// <summary>Rows over every shard and table (of the period, for a period's view), from the shards' manifests.</summary>
    public long RowCount => _rows.Where(r => _period?.Contains(r.Key.Month) != false).Sum(r => r.Value);

    /// <summary>The shard (its index in <see cref="Shards"/>) every row of <paramref name="patient"/> lies in, or −1 for an id outside the dataset's patients.</summary>
    public int ShardOf(int patient) => patient >= 0 && patient < _patients ? ShardRule.OfPatient(patient, Shards.Count) : -1;

    /// <summary>Whether shard <paramref name="shard"/> holds any month of this view, and so must answer for its patients (it answers nothing otherwise).</summary>
    public bool Holds(int shard) => _shardMonths[shard] is { } months && (_period is not { } period || period.Overlaps(months));

    /// <summary>The months this view reads that any shard holds (a period's, or all), first to last; null when none.</summary>
    public MonthRange? ViewMonths =>
        _rows.Keys.Select(k => k.Month).Where(m => _period?.Contains(m) != false).ToArray() is { Length: > 0 } months ? new MonthRange(months.Min(), months.Max()) : null;

    /// <summary>
    /// The cohort of a JSON definition over every shard, exactly as one node builds it on the unsplit dataset: each shard
    /// builds its patients' part (a patient never crosses shards), and this process unites the parts. Disclosure control
    /// for it runs here (<see cref="CohortDisclosure.Apply(ShardedDataset, Cohort, DisclosureRequest)"/>).
    /// </summary>
    public Cohort BuildCohort(string json, CancellationToken cancellationToken = default)
    {
        var definition = CohortParser.Parse(json, Schema);
        // Here, before any shard is asked: a shard's refusal would reach the caller as the cluster's fault.
        if (Manifest.Access == DatasetAccess.Restricted) RestrictedPredicates.Check(definition);
        var answers = Ask(new ShardWork(ShardWorkKind.Cohort, json, Period: _period, DataEnd: DataEnd()), cancellationToken);
        return ShardCohort.Merge(this, definition, answers);
    }

    /// <summary>
    /// A table's extract rows over every shard, shard after shard, as Arrow chunks (<see cref="CohortExtract.Chunks"/>);
    /// fails once the shards have sent them if their cohorts together are not <paramref name="cohort"/>'s size (built from
    /// another definition than the request's).
    /// </summary>
    internal IEnumerable<byte[]> ExtractRows(string table, ExtractRequest request, Cohort cohort, CancellationToken cancellationToken)
    {
        var work = new ShardWork(ShardWorkKind.ExtractRows, request.CohortDefinitionJson, table, Rows: request.BatchRows, Period: _period, SchemaHash: Schema.Hash,
            DataEnd: DataEnd(), Project: request.Project, Key: Convert.ToBase64String(request.Key));
        long members = 0;
        for (var s = 0; s < Shards.Count; s++)
        {
            var first = true;
            foreach (var part in _transport.StreamAsync(Shards[s], work, cancellationToken).ToBlockingEnumerable(cancellationToken))
            {
                if (first)
                {
                    if (part.Length != sizeof(long)) throw new ShardsUnavailableException($"shard {Cluster.Shards[s].Path} sent extract rows without its cohort's size first");
                    members += BitConverter.ToInt64(part);
                    first = false;
                }
                else yield return part;
            }
        }
        if (members != cohort.Count)
            throw new ClaimsException($"the shards' cohort '{cohort.Name}' from the extract's definition is not the cohort given: extract the cohort this dataset built from that definition");
    }

    /// <summary>
    /// Each shard's exact answer to <paramref name="work"/>, with this view's period and follow-up's end: for parts built
    /// on the engine whose shard work it does not run itself (a model's rows, Claims.Modelling), which must release
    /// nothing from the answers but under disclosure control.
    /// </summary>
    public IReadOnlyList<byte[]> Scatter(ShardWork work, CancellationToken cancellationToken = default) =>
        // The engine's own kinds go through its own methods, which check and release what comes back.
        work.Kind == ShardWorkKind.ModelRows
            ? Ask(work with { Period = _period, DataEnd = DataEnd() }, cancellationToken)
            : throw new ArgumentException($"{work.Kind} is the engine's own work: ask it through the dataset's methods", nameof(work));

    /// <summary>The last month of receipts any shard holds in this view (YYYYMM): follow-up's end, as one node takes it from its receipts.</summary>
    private int DataEnd() =>
        _rows.Where(r => r.Key.Table == "receipts" && r.Value > 0 && _period?.Contains(r.Key.Month) != false).Select(r => r.Key.Month).DefaultIfEmpty().Max() is var last and > 0
            ? last
            : throw new ClaimsException($"the dataset at '{Directory}' has no receipts{(_period is { } p ? $" in {p}" : "")}");

    /// <summary>Runs a JSON query over every shard, without disclosure control (public data, or the engine's own use).</summary>
    public RecordBatch Execute(string query, CancellationToken cancellationToken = default)
    {
        var model = QueryParser.Parse(query, Schema);
        return For(query).Partial(model, null, cancellationToken).Finish().Batch();
    }

    /// <summary>The scans of one question, sent as its text: each shard binds it as this process did.</summary>
    internal IShardScans For(string query) => new Scans(this, query);

    /// <summary>Unmaps shard 0 (opened for its schema and manifest); a period's view shares it and disposing one does nothing.</summary>
    public void Dispose()
    {
        if (_period is null) Describing.Dispose();
    }

    private byte[][] Ask(ShardWork work, CancellationToken cancellationToken)
    {
        // The engine's API is synchronous (a scan blocks its caller's thread here as it does in process); the wait is
        // on the transport's tasks, which need no thread of this one.
        var answers = _transport.ScatterAsync(Shards, work with { SchemaHash = Schema.Hash }, cancellationToken).GetAwaiter().GetResult();
        if (answers.Count != Shards.Count || answers.Any(a => a is null)) throw new ShardsUnavailableException($"the cluster answered {answers.Count(a => a is not null)} of {Shards.Count} shards");
        return [.. answers];
    }

    private sealed class Scans(ShardedDataset cluster, string text) : IShardScans
    {
        public Dataset Describing => cluster.Describing;

        public PartialAggregate Partial(QueryModel query, MeasuredQuery? measured, CancellationToken cancellationToken)
        {
            var answers = cluster.Ask(new ShardWork(measured is null ? ShardWorkKind.Partial : ShardWorkKind.MeasuredPartial, text, Period: cluster._period), cancellationToken);
            var scanned = measured?.Query ?? query;
            PartialAggregate? merged = null;
            for (var s = 0; s < answers.Length; s++)
            {
                PartialAggregate partial;
                try
                {
                    partial = PartialAggregate.ReadFrom(new MemoryStream(answers[s], writable: false), scanned);
                }
                catch (ClaimsException e)
                {
                    // Not the reader's words: they quote the partial's counts, which are the shard's exact figures.
                    throw new ShardsUnavailableException($"shard {cluster.Cluster.Shards[s].Path} sent a partial aggregate this coordinator cannot read (another build's, or damaged)", e);
                }
                if (merged is null) merged = partial;
                else merged.Merge(partial);
            }
            return merged!;
        }

        public double Cap(TableSchema table, ColumnSchema column, ReleaseUnit unit, CancellationToken cancellationToken) =>
            cluster._caps.GetOrAdd((table.Name, column.Name), _ =>
            {
                // The period's rows, as one node counts its period view's: the share sampled depends on them.
                var rows = cluster._rows.Where(r => r.Key.Table == table.Name && cluster._period?.Contains(r.Key.Month) != false).Sum(r => r.Value);
                var samples = cluster.Ask(new ShardWork(ShardWorkKind.CapSample, text, table.Name, column.Name, rows, cluster._period), cancellationToken);
                // Totals in magnitude, each a finite number: a NaN would make the cap NaN and every sum 0.
                for (var s = 0; s < samples.Length; s++)
                    if (samples[s].Length % sizeof(double) != 0 || MemoryMarshal.Cast<byte, double>(samples[s]).ToArray().Any(t => !double.IsFinite(t) || t < 0))
                        throw new ShardsUnavailableException($"shard {cluster.Cluster.Shards[s].Path} sent a cap sample of {table.Name}.{column.Name} that is not totals in magnitude");
                return ContributionCap.Of([.. samples.SelectMany(b => MemoryMarshal.Cast<byte, double>(b).ToArray())]);
            });
    }
}
