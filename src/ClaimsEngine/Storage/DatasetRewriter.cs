using Claims.Engine.Schema;

namespace Claims.Engine.Storage;

/// <summary>
/// Writes a new generation of an existing dataset that replaces some column files and keeps the rest: unchanged
/// files are hard-linked from the current generation (or copied where links are impossible), replaced ones are
/// written fresh by <see cref="ColumnReplacement"/>, and the result is published like <see cref="DatasetWriter"/>
/// does, manifest last. A crash or kill before the manifest is replaced leaves the current dataset as it was;
/// the old generation's files are never opened for writing, so readers mapping them are never disturbed.
/// </summary>
internal sealed class DatasetRewriter : IDisposable
{
    private readonly string _directory;
    private readonly DatasetManifest _current;
    private readonly ClaimsSchema _schema;
    private readonly IProgress<WriteStage>? _progress;
    private readonly FileStream _lock;
    private readonly string _generation;
    private readonly string _staging;
    private readonly Dictionary<(string Table, int Key, string Column), ColumnReplacement> _replacements = [];
    private readonly Lock _replacementsLock = new();
    private bool _committed;

    private DatasetRewriter(string directory, DatasetManifest current, ClaimsSchema schema, IProgress<WriteStage>? progress, FileStream lockFile)
    {
        _directory = directory;
        _current = current;
        _schema = schema;
        _progress = progress;
        _lock = lockFile;
        _generation = GenerationFolders.Next(directory);
        _staging = GenerationFolders.Staging(directory, _generation);
        Directory.CreateDirectory(_staging);
    }

    /// <summary>The manifest being rewritten.</summary>
    public DatasetManifest Current => _current;

    /// <summary>Starts rewriting the dataset in <paramref name="directory"/>; it must exist, and no other writer may be at work.</summary>
    public static DatasetRewriter Open(string directory, ClaimsSchema? schema = null, IProgress<WriteStage>? progress = null)
    {
        directory = Path.GetFullPath(directory);
        schema ??= ClaimsSchema.Default;
        // A folder without a dataset (or a missing one) is named as such, and gets no lock file.
        DatasetManifest.Read(directory);
        var lockFile = GenerationFolders.Lock(directory);
        try
        {
            // Read under the lock, so the manifest cannot change between reading and publishing.
            var current = DatasetManifest.Read(directory);
            return new DatasetRewriter(directory, current, schema, progress, lockFile);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>The new file for <paramref name="column"/> of one partition. Safe to call from several threads; each replacement is written by one.</summary>
    public ColumnReplacement Replace(string table, int key, string column)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        var tableManifest = _current.Tables.FirstOrDefault(t => t.Name == table)
                            ?? throw new ClaimsException($"the dataset has no table '{table}'");
        var partition = tableManifest.Partitions.FirstOrDefault(p => p.Key == key)
                        ?? throw new ClaimsException($"table '{table}' has no partition {key}");
        if (partition.Files.All(f => f.Column != column))
            throw new ClaimsException($"partition {table}/{key} has no column '{column}'");
        var schema = _schema.Table(table).Column(column);
        lock (_replacementsLock)
        {
            if (_replacements.ContainsKey((table, key, column)))
                throw new ClaimsException($"column '{column}' of {table}/{key} is already being replaced");
            var folder = Path.Combine(_staging, partition.Path);
            Directory.CreateDirectory(folder);
            var replacement = new ColumnReplacement(Path.Combine(folder, column + ".col"), schema, _current.BlockRows, table, key, partition.RowCount);
            _replacements.Add((table, key, column), replacement);
            return replacement;
        }
    }

    /// <summary>
    /// Seals the replacements, links every other file, and publishes the new generation; <paramref name="parameters"/>
    /// are added to (or overwrite) the provenance's parameters, so the manifest says what the rewrite did.
    /// </summary>
    public DatasetManifest Commit(IReadOnlyDictionary<string, string>? parameters = null)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        _progress?.Report(WriteStage.Sealing);
        var replacements = _replacements.ToArray();
        // Checked before the parallel seal, so a short column is its own error, not one wrapped in an AggregateException.
        foreach (var (_, replacement) in replacements) replacement.ThrowIfIncomplete();
        var sealedFiles = new ColumnFileEntry[replacements.Length];
        Parallel.For(0, replacements.Length, i => sealedFiles[i] = replacements[i].Value.Seal());
        foreach (var (_, replacement) in replacements) replacement.Close();
        var replaced = replacements.Select((r, i) => (r.Key, Entry: sealedFiles[i])).ToDictionary(r => r.Key, r => r.Entry);

        var oldRoot = Path.Combine(_directory, _current.Generation);
        var tables = _current.Tables.Select(table => table with
        {
            Partitions = table.Partitions.Select(partition =>
            {
                Directory.CreateDirectory(Path.Combine(_staging, partition.Path));
                var files = partition.Files.Select(file =>
                {
                    if (replaced.TryGetValue((table.Name, partition.Key, file.Column), out var entry)) return entry;
                    HardLink.LinkOrCopy(Path.Combine(oldRoot, partition.Path, file.File), Path.Combine(_staging, partition.Path, file.File));
                    return file;
                }).ToArray();
                return partition with { Files = files };
            }).ToArray(),
        }).ToArray();
        _progress?.Report(WriteStage.Sealed);

        var merged = new Dictionary<string, string>(_current.Provenance.Parameters);
        foreach (var (key, value) in parameters ?? new Dictionary<string, string>()) merged[key] = value;
        var manifest = _current with
        {
            // The files written now are of the current format; those linked from a version 1 dataset still open under it.
            FormatVersion = DatasetManifest.CurrentFormatVersion,
            Generation = _generation,
            CreatedAt = DateTimeOffset.UtcNow,
            Provenance = _current.Provenance with { Parameters = merged },
            Tables = tables,
        };
        GenerationFolders.Commit(_directory, _generation, manifest, _progress, () => _committed = true);
        return manifest;
    }

    public void Dispose()
    {
        if (!_committed)
        {
            foreach (var replacement in _replacements.Values) replacement.Close();
            if (Directory.Exists(_staging)) Directory.Delete(_staging, recursive: true);
        }
        _lock.Dispose();
    }
}
