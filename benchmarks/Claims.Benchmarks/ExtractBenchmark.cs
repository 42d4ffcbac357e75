using System.Diagnostics;
using Claims.Engine.Cohorts;
using Claims.Engine.Extracts;
using Claims.Engine.Storage;
using DuckDB.NET.Data;

namespace Claims.Benchmarks;

/// <summary>
/// Extraction throughput: every table of a dataset for a cohort of a share of its patients, written as Parquet,
/// in rows per second, with the process's peak anonymous resident memory (RssAnon: what the process holds
/// besides the memory-mapped dataset, whose pages count in VmRSS as they are read); then, in the same run, DuckDB (threads = 2) copying
/// the same rows of the same tables, loaded into native tables beforehand, to Parquet (a semi-join and a write,
/// without pseudonyms). `extract --data DIR [--share 0.1] [--no-duckdb]`.
/// </summary>
public static class ExtractBenchmark
{
    public static int Run(string[] args)
    {
        var data = HarnessArgs.Value(args, "--data") ?? throw new ArgumentException("extract needs --data DIR");
        var share = double.Parse(HarnessArgs.Value(args, "--share") ?? "0.1", System.Globalization.CultureInfo.InvariantCulture);
        var work = Path.Combine(Path.GetTempPath(), $"claims-extract-bench-{Environment.ProcessId}");
        try
        {
            using var dataset = Dataset.Open(data);
            var cohort = Sample(dataset, share);
            var tables = dataset.Tables.Select(t => t.Name).ToArray();
            Console.WriteLine($"cohort: {cohort.Count:N0} patients ({share:P0} of {cohort.Patients.Capacity:N0})");

            long peak = 0;
            using (new Timer(_ => peak = Math.Max(peak, GenerateBenchmark.ResidentBytes("RssAnon:")), null, 0, 100))
            {
                var stopwatch = Stopwatch.StartNew();
                var manifest = CohortExtract.Write(dataset, cohort, new ExtractRequest
                {
                    Project = "benchmark", Key = new byte[32], Tables = tables, OutDirectory = Path.Combine(work, "extract"),
                    CohortDefinitionJson = $"{{\"sample\": {share}}}",
                });
                var seconds = stopwatch.Elapsed.TotalSeconds;
                peak = Math.Max(peak, GenerateBenchmark.ResidentBytes("RssAnon:"));
                foreach (var file in manifest.Files) Console.WriteLine($"  {file.Table,-10} {file.Rows,13:N0} rows {file.Bytes / 1e6,9:F1} MB");
                var rows = manifest.Files.Sum(f => f.Rows);
                Console.WriteLine($"engine: {rows:N0} rows in {seconds:F2} s: {rows / seconds:N0} rows/s; peak anonymous memory {peak / (1024.0 * 1024):F0} MiB " +
                                  $"(the dataset, {dataset.Bytes / (1024.0 * 1024 * 1024):F2} GiB on disk, is mapped)");
            }
            if (!args.Contains("--no-duckdb")) DuckDbCopy(dataset, cohort, work);
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
        return 0;
    }

    /// <summary>A deterministic sample: patient p is in when a multiplicative hash of p falls under the share.</summary>
    private static Cohort Sample(Dataset dataset, double share)
    {
        var capacity = EventScan.PatientCount(dataset);
        var months = dataset.Table("receipts").Partitions.Select(p => p.Key).ToArray();
        var set = new PatientSet(capacity);
        var index = new int[capacity];
        var exit = new int[capacity];
        for (var p = 0; p < capacity; p++)
        {
            if ((uint)(p * 2654435761u) >= share * uint.MaxValue) continue;
            set.Add(p);
            index[p] = months[0];
            exit[p] = months[^1];
        }
        return new Cohort($"sample {share}", set, index, exit, []);
    }

    private static void DuckDbCopy(Dataset dataset, Cohort cohort, string work)
    {
        Console.WriteLine("DuckDB: exporting to Parquet and loading native tables (not timed) …");
        ParquetExport.Write(dataset, Path.Combine(work, "export"));
        using var duck = new DuckDBConnection("DataSource=:memory:");
        duck.Open();
        Execute(duck, "SET threads = 2");
        Execute(duck, "CREATE TABLE cohort (patient_id INTEGER PRIMARY KEY)");
        using (var appender = duck.CreateAppender("cohort"))
            foreach (var patient in cohort.Patients) appender.CreateRow().AppendValue(patient).EndRow();
        foreach (var table in dataset.Tables)
            Execute(duck, $"CREATE TABLE {table.Name} AS SELECT * FROM read_parquet('{Path.Combine(work, "export", table.Name, "*.parquet")}')");
        Directory.CreateDirectory(Path.Combine(work, "duckdb"));
        var stopwatch = Stopwatch.StartNew();
        long rows = 0;
        foreach (var table in dataset.Tables)
        {
            var columns = string.Join(", ", table.Schema.Columns.Where(c => !ExtractColumns.IsWithheld(c)).Select(c => c.Name));
            using var command = duck.CreateCommand();
            command.CommandText = $"COPY (SELECT {columns} FROM {table.Name} WHERE patient_id IN (SELECT patient_id FROM cohort)) " +
                                  $"TO '{Path.Combine(work, "duckdb", table.Name + ".parquet")}' (FORMAT parquet, COMPRESSION snappy)";
            rows += command.ExecuteNonQuery();
        }
        var seconds = stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine($"DuckDB COPY of the same rows: {rows:N0} rows in {seconds:F2} s: {rows / seconds:N0} rows/s");
    }

    private static void Execute(DuckDBConnection duck, string sql)
    {
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

}
