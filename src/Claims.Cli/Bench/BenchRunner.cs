using System.Diagnostics;
using Claims.Engine.Kernels;
using Claims.Engine.Query;
using Claims.Engine.Schema;
using Claims.Engine.Storage;
using DuckDB.NET.Data;

namespace Claims.Cli.Bench;

/// <summary>One query's result in the side-by-side run (the JSON field names are the contract of bench.json).</summary>
public sealed record BenchResult(string Name, double EngineMs, double DuckdbMs, double Ratio, long Rows, double EngineGbps, double BandwidthFraction);

/// <summary>
/// Runs the suite on the engine and on DuckDB in one process, warm, best of several runs each: the data is
/// loaded once into native DuckDB tables (threads = 2, as many cores as the engine has), and the machine's memory
/// read bandwidth is measured in the same run, so every figure is a ratio that survives a noisy, shared machine.
/// </summary>
public static class BenchRunner
{
    public static (double BandwidthGbps, IReadOnlyList<BenchResult> Results) Run(Dataset dataset, int repeats, Action<string> log)
    {
        var parquet = Path.Combine(Path.GetTempPath(), $"claims-bench-{Environment.ProcessId}");
        try
        {
            log("exporting to Parquet and loading DuckDB tables …");
            ParquetExport.Write(dataset, parquet);
            using var duck = new DuckDBConnection("DataSource=:memory:");
            duck.Open();
            Execute(duck, "SET threads = 2");
            foreach (var table in dataset.Tables)
                Execute(duck, $"CREATE TABLE {table.Name} AS SELECT * FROM read_parquet('{Path.Combine(parquet, table.Name, "*.parquet")}')");
            var lastMonth = dataset.Table("receipts").Partitions[^1].Key;
            var codes = Strings(duck, "SELECT code FROM drugs GROUP BY code ORDER BY count(*) DESC, code LIMIT 50");
            var bandwidth = MemoryBandwidth(repeats);
            log($"memory read bandwidth {bandwidth:F1} GB/s");
            var results = new List<BenchResult>();
            foreach (var query in BenchSuite.Queries(lastMonth, codes))
            {
                var model = QueryParser.Parse(query.Json, dataset.Schema);
                // A ratio means something only if both sides answered the same question.
                BenchAnswers.Check(query, dataset.Execute(model), Rows(duck, query.Sql));
                var engine = Best(repeats, () => dataset.Execute(model));
                var duckdb = Best(repeats, () => Execute(duck, query.Sql));
                var rows = dataset.Table(model.From.Name).RowCount;
                var gbps = BytesTouched(dataset, model) / engine / 1e6;
                results.Add(new BenchResult(query.Name, engine, duckdb, duckdb / engine, rows, gbps, gbps / bandwidth));
                log($"{query.Name}: engine {engine:F1} ms, DuckDB {duckdb:F1} ms");
            }
            return (bandwidth, results);
        }
        finally
        {
            if (Directory.Exists(parquet)) Directory.Delete(parquet, recursive: true);
        }
    }

    private static double Best(int repeats, Action action)
    {
        action();
        var best = double.MaxValue;
        for (var i = 0; i < repeats; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            action();
            best = Math.Min(best, stopwatch.Elapsed.TotalMilliseconds);
        }
        return best;
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
        var ms = Best(repeats, () => Parallel.For(0, parts, p =>
        {
            var start = (long)values.Length * p / parts;
            var end = (long)values.Length * (p + 1) / parts;
            SumInt32.Sum(values.AsSpan((int)start, (int)(end - start)));
        }));
        return values.Length * 4.0 / ms / 1e6;
    }

    /// <summary>Bytes of the columns the query reads: its table's, and those of the tables its exists clauses look into.</summary>
    private static double BytesTouched(Dataset dataset, QueryModel query)
    {
        var columns = new HashSet<ColumnSchema>();
        foreach (var key in query.GroupBy) columns.Add(key.Column);
        foreach (var aggregate in query.Select)
            if (aggregate.Column is { } c) columns.Add(c);
        Collect(query.Where);
        return columns.Sum(c => (double)dataset.Table(c.Table).RowCount * c.Type.Width());

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
