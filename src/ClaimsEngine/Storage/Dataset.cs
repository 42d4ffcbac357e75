using System.Collections.Concurrent;
using Claims.Engine.Schema;

namespace Claims.Engine.Storage;

/// <summary>When column checksums are checked: as each file is first mapped (the default), or all at open.</summary>
public enum ChecksumVerification
{
    OnFirstUse,
    AtOpen,
}

/// <summary>
/// An opened dataset: the manifest's tables and partitions over memory-mapped column files. Opening checks that
/// every file is present with the size the manifest records, so a truncated file fails at once with its name;
/// contents are checksummed when first used (or at open). Dispose only when no span from it is in use.
/// </summary>
public sealed class Dataset : IDisposable
{
    private readonly Dictionary<string, DatasetTable> _tables;
    private readonly ConcurrentDictionary<MonthRange, Lazy<Dataset>>? _periods;
    private readonly ConcurrentDictionary<DatasetPartition, Lazy<LineReceipts>> _lineReceipts;
    private readonly Dataset? _opened;

    /// <param name="opened">The dataset this is a period of; null for the opened dataset itself.</param>
    private Dataset(string directory, DatasetManifest manifest, ClaimsSchema schema, IReadOnlyList<DatasetTable> tables, Dataset? opened = null)
    {
        Directory = directory;
        Manifest = manifest;
        Schema = schema;
        Tables = tables;
        _tables = tables.ToDictionary(t => t.Name, StringComparer.Ordinal);
        // Fixed once opened, and read on every request a project's period scopes: computed here, not per call. Over
        // the tables of patients only: a population file may cover months the claims do not, which a period must not reach.
        var keys = tables.Where(t => t.Schema.TryGetColumn("patient_id", out _)).SelectMany(t => t.Partitions).Select(p => p.Key).ToArray();
        Months = keys.Length == 0 ? null : new MonthRange(keys.Min(), keys.Max());
        _periods = opened is null ? new() : null;
        _opened = opened;
        // A period's partitions are the opened dataset's, so it shares their links.
        _lineReceipts = opened?._lineReceipts ?? new();
    }

    public string Directory { get; }
    public DatasetManifest Manifest { get; }
    public ClaimsSchema Schema { get; }
    public IReadOnlyList<DatasetTable> Tables { get; }

    public long RowCount => Tables.Sum(t => t.RowCount);
    public long Bytes => Tables.Sum(t => t.Bytes);

    public DatasetTable Table(string name) =>
        _tables.TryGetValue(name, out var table)
            ? table
            : throw new SchemaException($"dataset has no table '{name}' (tables: {string.Join(", ", _tables.Keys)})");

    public static Dataset Open(string directory, ChecksumVerification verification = ChecksumVerification.OnFirstUse,
        ClaimsSchema? schema = null)
    {
        schema ??= ClaimsSchema.Default;
        directory = Path.GetFullPath(directory);
        var manifest = DatasetManifest.Read(directory);
        var root = Path.Combine(directory, manifest.Generation);
        var tables = manifest.Tables.Select(t => OpenTable(root, t, schema, verification)).ToArray();
        var dataset = new Dataset(directory, manifest, schema, tables);
        if (verification == ChecksumVerification.AtOpen)
        {
            try
            {
                dataset.Verify();
            }
            catch
            {
                dataset.Dispose();
                throw;
            }
        }
        return dataset;
    }

    private static DatasetTable OpenTable(string root, TableManifest manifest, ClaimsSchema schema, ChecksumVerification verification)
    {
        if (!schema.TryGetTable(manifest.Name, out var table))
            throw new StoreException(DatasetManifest.FileName, $"table '{manifest.Name}' is not in this build's schema");
        foreach (var column in manifest.Columns)
        {
            var defined = table.Column(column.Name);
            if (defined.Type.Name() != column.Type)
                throw new StoreException(DatasetManifest.FileName, $"column {defined} is {column.Type} in the dataset but {defined.Type.Name()} in the schema");
        }
        var partitions = manifest.Partitions.Select(p =>
        {
            // Paths come from a file anyone could edit: only the layout the writer produces is followed.
            if (p.Path != $"{manifest.Name}/{p.Key}" || p.Files.Any(f => f.File != f.Column + ".col"))
                throw new StoreException(DatasetManifest.FileName, $"partition {manifest.Name}/{p.Key} points outside the dataset's layout");
            var columns = p.Files.Select(f =>
            {
                var name = $"{manifest.Name}/{p.Key}/{f.File}";
                var path = Path.Combine(root, p.Path, f.File);
                var size = new FileInfo(path);
                if (!size.Exists) throw new StoreException(name, "is missing");
                if (size.Length != f.Bytes) throw new StoreException(name, $"is truncated or overwritten: {size.Length} bytes, the manifest says {f.Bytes}");
                return new MappedColumn(path, name, table.Column(f.Column), f, checked((int)p.RowCount))
                {
                    VerifyOnMap = verification == ChecksumVerification.OnFirstUse,
                };
            }).ToArray();
            return new DatasetPartition(table, p.Key, checked((int)p.RowCount), columns);
        }).ToArray();
        return new DatasetTable(table, partitions);
    }

    /// <summary>The months this dataset holds, first to last over every table; null when it holds none.</summary>
    public MonthRange? Months { get; }

    /// <summary>
    /// The same dataset seen through <paramref name="months"/>, as a project approved for that period sees it:
    /// partitions outside are hidden, so queries, cohorts (their observation, look-backs and end of data) and
    /// extracts read only those months. A view shares this dataset's mapped files and is kept per period, so what
    /// the engine caches per dataset (patient timelines) survives between requests; disposing it does nothing.
    /// </summary>
    public Dataset Period(MonthRange months)
    {
        if (months.Problem() is { } problem) throw new ClaimsException($"period: {problem}");
        if (_periods is null) throw new InvalidOperationException("a period is taken of the opened dataset, not of another period");
        // An empty view would answer queries with nothing and fail cohorts for want of receipts: said here instead.
        if (!months.Overlaps(Months))
            throw new ClaimsException($"period {months} holds none of the dataset's months ({Months?.ToString() ?? "none"})");
        return _periods.GetOrAdd(months, key => new Lazy<Dataset>(() => new Dataset(Directory, Manifest, Schema,
            Tables.Select(t => new DatasetTable(t.Schema, t.Partitions.Where(p => key.Contains(p.Key)).ToArray())).ToArray(),
            opened: this))).Value;
    }

    /// <summary>
    /// The last <paramref name="months"/> months of this dataset or period (all of it when it holds no more), as a
    /// period of the opened dataset: never a month this view does not show.
    /// </summary>
    internal Dataset Last(int months)
    {
        if (Months is not { } shown) return this;
        var from = MonthKey.FromAbsolute(Math.Max(MonthKey.ToAbsolute(shown.From), MonthKey.ToAbsolute(shown.To) - Math.Max(1, months) + 1));
        return from == shown.From ? this : (_opened ?? this).Period(new MonthRange(from, shown.To));
    }

    /// <summary>
    /// The receipt of each row of <paramref name="lines"/>, a line-item table's partition of this dataset: linked on
    /// first need and kept while the dataset is open, so a query reading lines through their receipts does not hash a
    /// month's receipts again.
    /// </summary>
    internal LineReceipts Receipts(DatasetPartition lines) =>
        _lineReceipts.GetOrAdd(lines, partition => new Lazy<LineReceipts>(() =>
        {
            var receipts = Table(partition.Table.ParentTable!).Partitions.FirstOrDefault(p => p.Key == partition.Key)
                ?? throw new ClaimsException($"{partition.Table.Name} of month {partition.Key} has lines but {partition.Table.ParentTable} has no partition of that month");
            return LineReceipts.Link(partition, receipts, Manifest.BlockRows);
        })).Value;

    /// <summary>Checksums every file now; the first mismatch is a <see cref="StoreException"/> naming the file.</summary>
    public void Verify()
    {
        foreach (var column in Tables.SelectMany(t => t.Partitions).SelectMany(p => p.Columns)) column.Verify();
    }

    public void Dispose()
    {
        if (_periods is null) return;
        foreach (var column in Tables.SelectMany(t => t.Partitions).SelectMany(p => p.Columns)) column.Dispose();
    }
}

/// <summary>A table of an opened dataset: its partitions in month order.</summary>
public sealed class DatasetTable(TableSchema schema, IReadOnlyList<DatasetPartition> partitions)
{
    public TableSchema Schema { get; } = schema;
    public string Name => Schema.Name;
    public IReadOnlyList<DatasetPartition> Partitions { get; } = partitions;
    public long RowCount => Partitions.Sum(p => (long)p.RowCount);
    public long Bytes => Partitions.Sum(p => p.Bytes);
}

/// <summary>One month of one table: a column file per column, all with the same row count.</summary>
public sealed class DatasetPartition
{
    private readonly MappedColumn[] _columns;

    internal DatasetPartition(TableSchema table, int key, int rows, MappedColumn[] columns)
    {
        Table = table;
        Key = key;
        RowCount = rows;
        _columns = new MappedColumn[table.Columns.Count];
        foreach (var column in columns) _columns[table.IndexOf(column.Schema.Name)] = column;
        var missing = Array.IndexOf(_columns, null);
        if (missing >= 0) throw new StoreException($"{table.Name}/{key}", $"has no file for column '{table.Columns[missing].Name}'");
    }

    public TableSchema Table { get; }

    /// <summary>The partition's month (YYYYMM).</summary>
    public int Key { get; }
    public int RowCount { get; }
    public IReadOnlyList<MappedColumn> Columns => _columns;
    public long Bytes => _columns.Sum(c => c.Bytes);

    public MappedColumn Column(string name) => _columns[Table.IndexOf(name)];
}
