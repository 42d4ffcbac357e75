using Claims.Engine.Schema;

namespace Claims.Engine.Storage;

/// <summary>How a dataset is written: its provenance, who may read it, and where progress goes.</summary>
public sealed record DatasetWriteOptions
{
    public ClaimsSchema Schema { get; init; } = ClaimsSchema.Default;
    public DatasetAccess Access { get; init; } = DatasetAccess.Public;
    public DatasetProvenance Provenance { get; init; } = new(false, "unknown", new Dictionary<string, string>());
    public IProgress<WriteStage>? Progress { get; init; }

    /// <summary>Folders the caller keeps beside the dataset (the generator's truth/); they do not make the folder foreign.</summary>
    public IReadOnlyCollection<string> CompanionEntries { get; init; } = [];
}

/// <summary>The steps of publishing, reported so that a progress display (or a crash test) can follow them.</summary>
public enum WriteStage
{
    Sealing,
    Sealed,
    Renamed,
    Published,
    Cleaned,
}

/// <summary>
/// Writes a new version of a dataset and publishes it atomically. Files go into a fresh generation folder
/// (g000007.tmp), are flushed to disk, the folder is renamed (g000007), and only then is manifest.json replaced by
/// an atomic rename. A crash or kill at any point leaves the previous manifest, and the generation it names,
/// untouched; leftovers are removed by the next writer. One writer at a time holds the dataset's lock file.
/// </summary>
public sealed class DatasetWriter : IDisposable
{
    private readonly string _directory;
    private readonly DatasetWriteOptions _options;
    private readonly FileStream _lock;
    private readonly string _generation;
    private readonly string _staging;
    private readonly Dictionary<(string Table, int Key), PartitionWriter> _partitions = [];
    private readonly Dictionary<(string Table, int Key), PartitionManifest> _sealed = [];
    private readonly Lock _partitionsLock = new();
    private bool _committed;

    private DatasetWriter(string directory, DatasetWriteOptions options, FileStream lockFile)
    {
        _directory = directory;
        _options = options;
        _lock = lockFile;
        _generation = GenerationFolders.Next(directory);
        _staging = GenerationFolders.Staging(directory, _generation);
        Directory.CreateDirectory(_staging);
    }

    public ClaimsSchema Schema => _options.Schema;

    /// <summary>Starts a new version of the dataset in <paramref name="directory"/> (created if missing).</summary>
    public static DatasetWriter Create(string directory, DatasetWriteOptions? options = null)
    {
        directory = Path.GetFullPath(directory);
        options ??= new DatasetWriteOptions();
        Directory.CreateDirectory(directory);
        RefuseForeignDirectory(directory, options.CompanionEntries);
        var lockFile = GenerationFolders.Lock(directory);
        return new DatasetWriter(directory, options, lockFile);
    }

    private static void RefuseForeignDirectory(string directory, IReadOnlyCollection<string> companions)
    {
        if (File.Exists(Path.Combine(directory, DatasetManifest.FileName))) return;
        var foreign = Directory.EnumerateFileSystemEntries(directory)
            .Select(Path.GetFileName)
            .FirstOrDefault(name => name != GenerationFolders.LockFile && !GenerationFolders.IsGeneration(name!) && name != DatasetManifest.FileName + ".tmp"
                                    && !companions.Contains(name!));
        if (foreign is not null)
            throw new ClaimsException($"'{directory}' is not empty and holds no dataset (found '{foreign}'); choose an empty or new folder");
    }

    /// <summary>The writer of one partition, created on first use. Safe to call from several threads.</summary>
    public PartitionWriter Partition(string table, int month)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        var schema = _options.Schema.Table(table);
        MonthKey.Validate(month, $"partition of table '{table}'");
        lock (_partitionsLock)
        {
            if (_sealed.ContainsKey((table, month))) throw new ClaimsException($"partition {table}/{month} is sealed: nothing more can be appended to it");
            if (!_partitions.TryGetValue((table, month), out var writer))
            {
                var relative = $"{table}/{month}";
                writer = new PartitionWriter(schema, month, Path.Combine(_staging, table, month.ToString()), relative, _options.Schema.BlockRows);
                _partitions.Add((table, month), writer);
            }
            return writer;
        }
    }

    /// <summary>
    /// Seals one partition before the commit and closes its files: a writer of many partitions that finishes them one
    /// at a time (a split into shards) then holds only the files it is still writing, not one per column of every
    /// partition it has written.
    /// </summary>
    public void Seal(string table, int month)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        PartitionWriter? writer;
        lock (_partitionsLock)
        {
            if (!_partitions.TryGetValue((table, month), out writer) || _sealed.ContainsKey((table, month))) return;
        }
        var manifest = writer.Seal();
        writer.Dispose();
        lock (_partitionsLock) _sealed[(table, month)] = manifest;
    }

    /// <summary>Seals every partition, publishes the new manifest and removes the previous generation.</summary>
    public DatasetManifest Commit()
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        _options.Progress?.Report(WriteStage.Sealing);
        var open = _partitions.Where(p => !_sealed.ContainsKey(p.Key)).ToArray();
        var results = new PartitionManifest[open.Length];
        Parallel.For(0, open.Length, i => results[i] = open[i].Value.Seal());
        foreach (var (_, partition) in open) partition.Dispose();
        _options.Progress?.Report(WriteStage.Sealed);
        var partitions = open.Select((p, i) => (p.Value.Table, Manifest: results[i]))
            .Concat(_sealed.Select(s => (_partitions[s.Key].Table, Manifest: s.Value)))
            .ToArray();

        var tables = _options.Schema.Tables.Select(table =>
        {
            var parts = partitions
                .Where(x => x.Table == table)
                .Select(x => x.Manifest)
                .OrderBy(m => m.Key)
                .ToArray();
            return new TableManifest(table.Name, parts.Sum(p => p.RowCount),
                table.Columns.Select(c => new ColumnManifest(c.Name, c.Type.Name(), c.Nullable)).ToArray(), parts);
        }).ToArray();
        var manifest = new DatasetManifest(DatasetManifest.CurrentFormatVersion, _generation, DateTimeOffset.UtcNow,
            _options.Schema.Hash, _options.Schema.BlockRows, _options.Access, _options.Provenance, tables);

        GenerationFolders.Commit(_directory, _generation, manifest, _options.Progress, () => _committed = true);
        return manifest;
    }

    public void Dispose()
    {
        if (!_committed)
        {
            foreach (var partition in _partitions.Values) partition.Dispose();
            if (Directory.Exists(_staging)) Directory.Delete(_staging, recursive: true);
        }
        _lock.Dispose();
    }
}
