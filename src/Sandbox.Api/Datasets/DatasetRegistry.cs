using System.Collections.Concurrent;
using System.Security.Cryptography;
using Claims.Cluster.Hosting;
using Claims.Engine;
using Claims.Engine.Schema;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;
using Claims.Import;
using Claims.Sandbox.Hosting;
using Claims.SyntheticGen;

namespace Claims.Sandbox.Datasets;

/// <summary>
/// The service's two datasets, opened once and kept open (cohorts and queries are fast on an open dataset):
/// `synthetic`, public, from a fixed seed; and `restricted`, generated from a secret random seed that is never
/// stored, standing in for the real NDB extract a deployment would import into the same folder. Missing ones
/// are generated on start, each step on the log as it runs (<see cref="StartStep"/>); a folder left without a
/// manifest by an interrupted generation is ours and is generated again. A dataset that fails to open (a file missing or cut short), or whose
/// file later fails its checksum, is unavailable, with the reason naming the file: its endpoints answer 503 and the
/// other dataset serves on. In cluster mode (<see cref="SandboxOptions.ClusterDir"/>) the restricted dataset is a split
/// one that a cluster's silos serve (<see cref="ShardedDataset"/>), connected to on start: its queries go to the
/// cluster, and so do its cohorts, extracts and models; what needs it opened here (the dashboards) answers 501 (<see cref="ClusterModeException"/>).
/// </summary>
public sealed class DatasetRegistry : IDisposable
{
    public const string Synthetic = "synthetic";
    public const string Restricted = "restricted";

    /// <summary>The prefix of a restricted source that names a folder of UKE files.</summary>
    private const string UkeSource = "uke:";

    private readonly Dictionary<string, Slot> _slots;
    private readonly ConcurrentDictionary<string, string> _unavailable = new();
    private readonly ILogger _logger;

    private DatasetRegistry(Dictionary<string, Slot> slots, ILogger logger)
    {
        (_slots, _logger) = (slots, logger);
        foreach (var (name, slot) in slots)
            if (slot.Failure is { } failure) MarkUnavailable(name, failure);
    }

    public IReadOnlyCollection<string> Names => _slots.Keys;

    /// <summary>
    /// The dataset called <paramref name="name"/>, opened here; false when there is none, 503 (<see cref="DatasetUnavailableException"/>)
    /// when it is unavailable, 501 (<see cref="ClusterModeException"/>) when a cluster serves it.
    /// </summary>
    public bool TryGet(string name, out Dataset dataset)
    {
        dataset = null!;
        if (!_slots.TryGetValue(name, out var slot)) return false;
        if (Unavailable(name) is { } reason) throw new DatasetUnavailableException(name, reason);
        dataset = slot.Dataset ?? throw new ClusterModeException(name);
        return true;
    }

    /// <summary>Whether a cluster serves the dataset (connected on start), unavailable or not: which way a request for it goes, decided before its access is.</summary>
    public bool ServedByCluster(string name) => _slots.TryGetValue(name, out var slot) && slot.Cluster is not null;

    /// <summary>The split dataset a cluster serves under <paramref name="name"/>; false when the dataset is opened here (or there is none).</summary>
    public bool TryGetCluster(string name, out ShardedDataset cluster)
    {
        cluster = null!;
        if (!_slots.TryGetValue(name, out var slot) || slot.Cluster is null) return false;
        if (Unavailable(name) is { } reason) throw new DatasetUnavailableException(name, reason);
        cluster = slot.Cluster;
        return true;
    }

    /// <summary>The schema the dataset is read with, wherever it is served; null when it could not be opened.</summary>
    public ClaimsSchema? Schema(string name) => _slots[name].Dataset?.Schema ?? _slots[name].Cluster?.Schema;

    /// <summary>The dataset's rows in all, over every shard where a cluster serves it; null when its manifest cannot be read.</summary>
    public long? Rows(string name) => _slots[name].Cluster is { } cluster ? cluster.RowCount : Manifest(name)?.Tables.Sum(t => t.RowCount);

    /// <summary>The months the dataset holds, over every shard where a cluster serves it; none when it could not be opened.</summary>
    public IReadOnlyList<int> MonthKeys(string name) =>
        _slots[name].Cluster?.MonthKeys ?? Manifest(name)?.Tables.SelectMany(t => t.Partitions).Select(p => p.Key).Distinct().Order().ToArray() ?? [];

    /// <summary>The months the dataset holds, first to last; null when it holds none or could not be opened.</summary>
    public MonthRange? Months(string name) => _slots[name].Cluster?.Months ?? _slots[name].Dataset?.Months;

    public Dataset Get(string name) => TryGet(name, out var dataset) ? dataset : throw new KeyNotFoundException($"no dataset '{name}'");

    /// <summary>Why a dataset is unavailable, naming the file; null while it serves.</summary>
    public string? Unavailable(string name) => _unavailable.GetValueOrDefault(name);

    /// <summary>What the dataset's manifest says, also when the dataset is unavailable; null when the manifest itself cannot be read.</summary>
    public DatasetManifest? Manifest(string name) => _slots[name].Manifest;

    /// <summary>The access the service gives the dataset, known even when its manifest cannot be read.</summary>
    public DatasetAccess Access(string name) => _slots[name].Manifest?.Access ?? _slots[name].Access;

    /// <summary>The opened datasets still serving, for the scrub to re-verify.</summary>
    public IEnumerable<(string Name, Dataset Dataset)> Serving() =>
        _slots.Where(s => s.Value.Dataset is not null && Unavailable(s.Key) is null).Select(s => (s.Key, s.Value.Dataset!));

    /// <summary>Takes a dataset out of service for good (until a restart opens it again); the first reason found stays.</summary>
    public void MarkUnavailable(string name, string reason)
    {
        if (_unavailable.TryAdd(name, reason))
            _logger.LogError("The {Name} dataset is unavailable: {Reason}. Its endpoints answer 503 until it is repaired and the service restarted", name, reason);
    }

    public static DatasetRegistry Open(SandboxOptions options, ILogger logger)
    {
        Ensure(options, Synthetic, options.SyntheticPersons, options.SyntheticSeed, DatasetAccess.Public, logger);
        if (options.ClusterDir is { } split)
            return new DatasetRegistry(new Dictionary<string, Slot>
            {
                [Synthetic] = Slot.Open(options.DataPath("datasets", Synthetic), DatasetAccess.Public),
                [Restricted] = Slot.Connect(split, options),
            }, logger);
        if (options.RestrictedSource.StartsWith(UkeSource, StringComparison.Ordinal)) Import(options, options.RestrictedSource[UkeSource.Length..], logger);
        else if (options.RestrictedSource == "generate")
            Ensure(options, Restricted, options.RestrictedPersons, BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)), DatasetAccess.Restricted, logger);
        else throw new ClaimsException($"CLAIMS_RESTRICTED_SOURCE '{options.RestrictedSource}' is neither 'generate' nor 'uke:DIR'");
        return new DatasetRegistry(new Dictionary<string, Slot>
        {
            [Synthetic] = Slot.Open(options.DataPath("datasets", Synthetic), DatasetAccess.Public),
            [Restricted] = Slot.Open(options.DataPath("datasets", Restricted), DatasetAccess.Restricted),
        }, logger);
    }

    /// <summary>
    /// One dataset as opened at start: the dataset, or the cluster serving it and the connection to it, or why it could
    /// not be opened (with its manifest when that at least reads).
    /// </summary>
    private sealed record Slot(DatasetAccess Access, Dataset? Dataset, DatasetManifest? Manifest, string? Failure, ShardedDataset? Cluster = null,
        ClusterConnection? Connection = null)
    {
        /// <summary>The split dataset in <paramref name="directory"/>, through its cluster; unavailable, naming why, when the cluster cannot be reached or the split is not whole.</summary>
        public static Slot Connect(string directory, SandboxOptions options)
        {
            ClusterConnection? connection = null;
            try
            {
                var settings = new ClusterSettings
                {
                    Membership = ClusterSettings.MembershipOf(options.ClusterMembership, "CLAIMS_CLUSTER_MEMBERSHIP"),
                    Redis = options.ClusterRedis,
                    Gateways = ClusterSettings.Ports(options.ClusterGateways, "CLAIMS_CLUSTER_GATEWAYS"),
                    ClusterId = options.ClusterId,
                    ServiceId = options.ClusterId,
                };
                connection = ClusterConnection.ConnectAsync(settings).GetAwaiter().GetResult();
                var cluster = connection.Open(directory);
                // The restricted slot is gated as restricted data; a public split served there would be released raw
                // to every role, so it is refused rather than served as it says.
                if (cluster.Manifest.Access != DatasetAccess.Restricted)
                {
                    cluster.Dispose();
                    throw new ClaimsException($"the split dataset at '{directory}' is public; cluster mode serves the restricted dataset (split one written with --access restricted)");
                }
                return new Slot(DatasetAccess.Restricted, null, cluster.Manifest, null, cluster, connection);
            }
            // Whatever the folder or the cluster holds, the service starts and says why this dataset is not served.
            catch (Exception e)
            {
                connection?.DisposeAsync().AsTask().GetAwaiter().GetResult();
                return new Slot(DatasetAccess.Restricted, null, null, $"the cluster serving '{directory}': {e.Message}");
            }
        }

        public static Slot Open(string path, DatasetAccess access)
        {
            try
            {
                var dataset = Dataset.Open(path);
                return new Slot(access, dataset, dataset.Manifest, null);
            }
            catch (Exception e) when (e is ClaimsException or IOException or UnauthorizedAccessException)
            {
                return new Slot(access, null, TryManifest(path), e.Message);
            }
        }

        private static DatasetManifest? TryManifest(string path)
        {
            try
            {
                return DatasetManifest.Read(path);
            }
            catch (Exception e) when (e is ClaimsException or IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }
    }

    private static void Ensure(SandboxOptions options, string name, int persons, ulong seed, DatasetAccess access, ILogger logger)
    {
        var path = options.DataPath("datasets", name);
        if (File.Exists(Path.Combine(path, DatasetManifest.FileName))) return;
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        var whole = StartStep.Begin(logger, $"{name} dataset", $"generating {persons:N0} persons × {options.Months} months into {path}");
        StartStep? step = null;
        var last = default(GenerateProgress);
        var summary = Generator.Run(new GenerateOptions { Out = path, Persons = persons, From = options.FromMonth, Months = options.Months, Seed = seed, Access = access },
            progress: new InlineProgress<GenerateProgress>(p =>
            {
                if (step is null || p.Step != last.Step)
                {
                    step?.End(Done(last, step));
                    step = StartStep.Begin(logger, $"{name} {p.Step.ToString().ToLowerInvariant()}", Beginning(p));
                }
                last = p;
                if (p.Step == GenerateStep.Persons)
                    step.Report($"{p.Done:N0} of {p.Total:N0} persons ({100.0 * p.Done / Math.Max(1, p.Total):F0}%), {p.Rows:N0} rows, {step.Rate(p.Rows)}");
            }));
        step?.End($"{summary.Patients:N0} patients");
        whole.End($"{summary.Rows:N0} rows, {summary.Patients:N0} patients");
    }

    private static string Beginning(GenerateProgress p) => p.Step switch
    {
        GenerateStep.Calibrating => "piloting utilisation on up to 20,000 persons",
        GenerateStep.Persons => $"{p.Total:N0} persons, births included",
        GenerateStep.Committing => "the population table, every partition sealed, the manifest published",
        _ => "filling patient_id",
    };

    private static string? Done(GenerateProgress p, StartStep step) =>
        p.Step == GenerateStep.Persons ? $"{p.Done:N0} persons, {p.Rows:N0} rows, {step.Rate(p.Rows)}" : null;

    /// <summary>
    /// The restricted dataset imported from a custodian's UKE files on first start. Files that cannot be imported
    /// leave no dataset, and the restricted slot then answers as unavailable, with the reason logged, while the
    /// synthetic one serves on.
    /// </summary>
    private static void Import(SandboxOptions options, string directory, ILogger logger)
    {
        var path = options.DataPath("datasets", Restricted);
        if (File.Exists(Path.Combine(path, DatasetManifest.FileName))) return;
        var step = StartStep.Begin(logger, $"{Restricted} dataset", $"importing the UKE files in {directory} into {path}");
        try
        {
            var report = UkeImporter.Run(new UkeImportOptions
            {
                Inputs = [directory],
                Out = path,
                SaltFile = options.DataPath("uke-salt.key"),
                Access = DatasetAccess.Restricted,
            });
            step.End($"{report.ReceiptsImported:N0} of {report.ReceiptsRead:N0} receipts ({report.ReceiptsRejected:N0} rejected), {report.Patients:N0} patients; report in {Path.Combine(path, UkeImporter.ReportFolder)}");
        }
        catch (Exception e) when (e is ClaimsException or IOException or UnauthorizedAccessException)
        {
            logger.LogError("The {Name} dataset could not be imported from {Directory}: {Reason}", Restricted, directory, e.Message);
        }
    }

    public void Dispose()
    {
        foreach (var slot in _slots.Values)
        {
            slot.Dataset?.Dispose();
            slot.Cluster?.Dispose();
            slot.Connection?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
