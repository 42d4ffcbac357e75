using System.Diagnostics;
using Claims.Engine;
using Claims.Engine.Kernels;
using Claims.Engine.Query;
using Claims.Engine.Schema;
using Claims.Engine.Storage;
using DuckDB.NET.Data;

namespace Claims.Cli.Bench;

/// <summary>
/// How `claims bench` runs: <paramref name="Parquet"/> names an export of the same data for DuckDB to query in
/// place (instead of loading it into its own tables), and <paramref name="Cold"/> evicts both sides' files from the
/// page cache before every timed run, so each reads from the disk.
/// </summary>
public sealed record BenchOptions(int Repeats, string? Parquet = null, bool Cold = false);

/// <summary>One query's result in the side-by-side run (the JSON field names are the contract of bench.json).</summary>
/// <param name="PlainReadMs">Cold only: a plain read of the column files the engine reads for the query, as fast as this disk gives those bytes.</param>
public sealed record BenchResult(string Name, double EngineMs, double DuckdbMs, double Ratio, long Rows, double EngineGbps, double BandwidthFraction,
    long EngineBytesRead, long DuckdbBytesRead, double PlainReadMs);

/// <summary>Each table's rows and bytes on disk in the store and in the Parquet export DuckDB reads.</summary>
public sealed record BenchTable(string Name, long Rows, long StoreBytes, long ParquetBytes);

/// <summary>A run's figures: the ceiling (memory bandwidth warm, disk read bandwidth cold), the tables and the queries.</summary>
public sealed record BenchReport(bool Cold, double BandwidthGbps, IReadOnlyList<BenchTable> Tables, IReadOnlyList<BenchResult> Results);

/// <summary>
/// Runs the suite on the engine and on DuckDB in one process, best of several runs each, with DuckDB on as many
/// threads as the engine has, and the ceiling measured in the same run, so every figure is a ratio that survives a
/// noisy, shared machine. Warm, the data is in memory on both sides; cold, every timed run starts with neither
/// side's files in the page cache and the engine opening its dataset afresh, as a first query after a restart does.
/// </summary>
public static class BenchRunner
{
    public static BenchReport Run(Dataset dataset, BenchOptions options, Action<string> log)
    {
        if (options.Cold && options.Parquet is null)
            throw new ClaimsException("bench: --cold needs --parquet DIR, so that DuckDB reads files from the disk as the engine does");
        var exported = options.Parquet is null ? Path.Combine(Path.GetTempPath(), $"claims-bench-{Environment.ProcessId}") : null;
        try
        {
            using var duck = new DuckDBConnection("DataSource=:memory:");
            duck.Open();
            Execute(duck, "SET threads = 2");
            string parquet;
            if (exported is not null)
            {
                log("exporting to Parquet and loading DuckDB tables …");
                ParquetExport.Write(dataset, exported);
                parquet = exported;
                foreach (var table in dataset.Tables)
                    Execute(duck, $"CREATE TABLE {table.Name} AS SELECT * FROM read_parquet('{Files(parquet, table.Name)}')");
            }
            else
            {
                parquet = Path.GetFullPath(options.Parquet!);
                // Out of core, DuckDB reads Parquet where it lies; its cache of file contents would make a cold run warm.
                Execute(duck, "SET enable_external_file_cache = false");
                foreach (var table in dataset.Tables) View(duck, dataset, table, parquet);
            }
            var tables = dataset.Tables.Select(t => new BenchTable(t.Name, t.RowCount, t.Bytes,
                Directory.Exists(Path.Combine(parquet, t.Name)) ? Directory.EnumerateFiles(Path.Combine(parquet, t.Name), "*.parquet").Sum(f => new FileInfo(f).Length) : 0)).ToArray();
            var lastMonth = dataset.Table("receipts").Partitions[^1].Key;
            var codes = Strings(duck, "SELECT code FROM drugs GROUP BY code ORDER BY count(*) DESC, code LIMIT 50");
            string[] files = options.Cold
                ? [.. Directory.EnumerateFiles(dataset.Directory, "*", SearchOption.AllDirectories), .. Directory.EnumerateFiles(parquet, "*.parquet", SearchOption.AllDirectories)]
                : [];
            var bandwidth = options.Cold ? DiskBandwidth(dataset, files, options.Repeats) : MemoryBandwidth(options.Repeats);
            log(options.Cold ? $"disk read bandwidth {bandwidth:F2} GB/s" : $"memory read bandwidth {bandwidth:F1} GB/s");
            var results = new List<BenchResult>();
            foreach (var query in BenchSuite.Queries(lastMonth, codes))
            {
                var model = QueryParser.Parse(query.Json, dataset.Schema);
                // A ratio means something only if both sides answered the same question. Cold, the dataset the
                // runner holds never maps a file (a mapped page is one the kernel will not evict): each run opens its own.
                var engineRun = options.Cold ? () => ExecuteAlone(Dataset.Open(dataset.Directory), model) : (Func<Apache.Arrow.RecordBatch>)(() => dataset.Execute(model));
                BenchAnswers.Check(query, engineRun(), Rows(duck, query.Sql));
                Action evict = options.Cold ? () => PageCache.Evict(files) : () => { };
                var (engine, engineBytes) = Best(options.Repeats, () => engineRun(), evict, options.Cold);
                var (duckdb, duckdbBytes) = Best(options.Repeats, () => Execute(duck, query.Sql), evict, options.Cold);
                var columns = Columns(model);
                var columnFiles = options.Cold ? ColumnFiles(dataset, columns) : [];
                var plain = options.Cold ? Best(options.Repeats, () => ReadPlain(columnFiles), evict, cold: true).Ms : 0;
                var rows = dataset.Table(model.From.Name).RowCount;
                // The files' sizes, not rows × the type's width: dictionary ids are stored as narrow as they fit.
                var gbps = ColumnEntries(dataset, columns).Sum(m => (double)m.Bytes) / engine / 1e6;
                results.Add(new BenchResult(query.Name, engine, duckdb, duckdb / engine, rows, gbps, gbps / bandwidth, engineBytes, duckdbBytes, plain));
                log($"{query.Name}: engine {engine:F1} ms, DuckDB {duckdb:F1} ms");
            }
            return new BenchReport(options.Cold, bandwidth, tables, results);
        }
        finally
        {
            if (exported is not null && Directory.Exists(exported)) Directory.Delete(exported, recursive: true);
        }
    }

    private static string Files(string parquet, string table) => Path.Combine(parquet, table, "*.parquet");

    /// <summary>A view over the export's files of one table, refused by name unless it holds the dataset's rows.</summary>
    private static void View(DuckDBConnection duck, Dataset dataset, DatasetTable table, string parquet)
    {
        if (!Directory.Exists(Path.Combine(parquet, table.Name)) || !Directory.EnumerateFiles(Path.Combine(parquet, table.Name), "*.parquet").Any())
            throw new ClaimsException($"bench: --parquet '{parquet}' has no {table.Name}/*.parquet; write it with `claims export --data {dataset.Directory} --out {parquet}`");
        Execute(duck, $"CREATE VIEW {table.Name} AS SELECT * FROM read_parquet('{Files(parquet, table.Name)}')");
        using var command = duck.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table.Name}";
        var rows = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (rows != table.RowCount)
            throw new ClaimsException($"bench: --parquet '{parquet}' holds {rows:N0} rows of {table.Name} and the dataset {table.RowCount:N0}: it is an export of other data");
    }

    /// <summary>Runs the query on a dataset opened for it alone, and closes it: the answer is Arrow memory of its own.</summary>
    private static Apache.Arrow.RecordBatch ExecuteAlone(Dataset opened, QueryModel model)
    {
        using (opened) return opened.Execute(model);
    }

    /// <summary>The best time of <paramref name="repeats"/> runs after one untimed, and (cold) the fewest bytes a run fetched from the disk.</summary>
    private static (double Ms, long BytesRead) Best(int repeats, Action action, Action before, bool cold)
    {
        if (!cold) action();
        var best = double.MaxValue;
        var bytes = long.MaxValue;
        for (var i = 0; i < repeats; i++)
        {
            before();
            var read = cold ? PageCache.BytesRead() : 0;
            var stopwatch = Stopwatch.StartNew();
            action();
            best = Math.Min(best, stopwatch.Elapsed.TotalMilliseconds);
            if (cold) bytes = Math.Min(bytes, PageCache.BytesRead() - read);
        }
        return (best, cold ? bytes : 0);
    }

    private static void Execute(DuckDBConnection duck, string sql)
    {
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        while (reader.Read()) { }
    }

    private static List<object?[]> Rows(DuckDBConnection duck, string sql)
    {
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i)).ToArray());
        return rows;
    }

    private static string[] Strings(DuckDBConnection duck, string sql)
    {
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read()) values.Add(reader.GetString(0));
        return values.ToArray();
    }

    /// <summary>A plain parallel sum over 1 GiB of heap memory: the ceiling any scan on this machine can reach, in GB/s.</summary>
    private static double MemoryBandwidth(int repeats)
    {
        var values = new int[1 << 28];
        Array.Fill(values, 1);
        var parts = Environment.ProcessorCount;
        var (ms, _) = Best(repeats, () => Parallel.For(0, parts, p =>
        {
            var start = (long)values.Length * p / parts;
            var end = (long)values.Length * (p + 1) / parts;
            SumInt32.Sum(values.AsSpan((int)start, (int)(end - start)));
        }), () => { }, cold: false);
        return values.Length * 4.0 / ms / 1e6;
    }

    /// <summary>
    /// The disk's sequential read bandwidth, in GB/s: the store's largest column files (up to 4 GiB) read cold, best
    /// of <paramref name="repeats"/>.
    /// </summary>
    private static double DiskBandwidth(Dataset dataset, string[] files, int repeats)
    {
        var largest = new List<string>();
        long total = 0;
        foreach (var column in dataset.Tables.SelectMany(t => t.Partitions).SelectMany(p => p.Columns).OrderByDescending(c => c.Bytes))
        {
            if (total >= 4L << 30) break;
            largest.Add(ColumnFile(dataset, column));
            total += column.Bytes;
        }
        var (ms, _) = Best(repeats, () => ReadPlain(largest), () => PageCache.Evict(files), cold: true);
        return total / ms / 1e6;
    }

    /// <summary>Reads the files through in 4 MiB requests, a file a core at a time, as a scan reads them, and nothing else.</summary>
    private static void ReadPlain(IEnumerable<string> files) =>
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, path =>
        {
            using var handle = File.OpenHandle(path, options: FileOptions.SequentialScan);
            var buffer = new byte[4 << 20];
            long offset = 0;
            int read;
            while ((read = RandomAccess.Read(handle, buffer, offset)) > 0) offset += read;
        });

    private static string ColumnFile(Dataset dataset, MappedColumn column) => Path.Combine(dataset.Directory, dataset.Manifest.Generation, column.Name);

    private static IEnumerable<MappedColumn> ColumnEntries(Dataset dataset, HashSet<ColumnSchema> columns) =>
        columns.SelectMany(c => dataset.Table(c.Table).Partitions.SelectMany(p => p.Columns).Where(m => m.Schema == c));

    private static List<string> ColumnFiles(Dataset dataset, HashSet<ColumnSchema> columns) =>
        [.. ColumnEntries(dataset, columns).Select(m => ColumnFile(dataset, m))];

    /// <summary>The columns the query reads: its table's, and those of the tables its exists clauses look into.</summary>
    private static HashSet<ColumnSchema> Columns(QueryModel query)
    {
        var columns = new HashSet<ColumnSchema>();
        foreach (var key in query.GroupBy) columns.Add(key.Column);
        foreach (var aggregate in query.Select)
            if (aggregate.Column is { } c) columns.Add(c);
        Collect(query.Where);
        return columns;

        void Collect(Predicate? predicate)
        {
            switch (predicate)
            {
                case AndPredicate and: foreach (var t in and.Terms) Collect(t); break;
                case OrPredicate or: foreach (var t in or.Terms) Collect(t); break;
                case NotPredicate not: Collect(not.Term); break;
                case ExistsPredicate exists:
                    columns.Add(exists.Child.ParentColumn!);
                    Collect(exists.Where);
                    break;
                case ParentPredicate parent:
                    columns.Add(query.From.ParentColumn!);
                    Collect(parent.Where);
                    break;
                case PatientMonthPredicate month:
                    columns.Add(month.Distinct.Column);
                    if (month.Per is { } per) columns.Add(per.Column);
                    Collect(month.Where);
                    break;
                case FirstEventPredicate first: Collect(first.Where); break;
                case FirstOfReceiptPredicate line:
                    columns.Add(query.From.ParentColumn!);
                    Collect(line.Where);
                    break;
                case ColumnPredicate leaf: columns.Add(leaf.Column); break;
            }
        }
    }
}
