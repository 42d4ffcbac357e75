using System.Diagnostics;
using Claims.Engine.Cohorts;
using Claims.Engine.Storage;
using Claims.Modelling.Features;
using Claims.Modelling.Spec;
using Claims.Testing;

namespace Claims.Benchmarks;

/// <summary>
/// A model spec's feature extraction, side by side with the same features in DuckDB SQL in one run:
/// `features --data DIR --spec FILE --parquet DIR [--repeats N]`. The population (cohort and outcomes) is built
/// once and handed to both; DuckDB reads tables loaded into its memory from the dataset's Parquet export (written
/// into --parquet first if it is empty), so both sides run warm. Prints the median of each and their ratio.
/// </summary>
public static class FeatureBenchmark
{
    public static int Run(string[] args)
    {
        var data = HarnessArgs.Values(args, "--data").Single();
        var parquet = HarnessArgs.Values(args, "--parquet").Single();
        var repeats = int.Parse(HarnessArgs.Value(args, "--repeats") ?? "3");
        using var dataset = Dataset.Open(data);
        var spec = ModelSpecParser.Parse(File.ReadAllText(HarnessArgs.Values(args, "--spec").Single()), dataset.Schema);
        var population = Population.Build(dataset, spec, CancellationToken.None);
        Console.WriteLine($"{dataset.RowCount:N0} rows, {population.Count:N0} members, {Environment.ProcessorCount} cores");

        FeatureMatrix? features = null;
        var engine = Timing.Median(repeats, () => features = FeatureExtractor.Extract(dataset, population, spec.Features, CancellationToken.None));
        Console.WriteLine($"engine: {features!.Width} features for {population.Count:N0} members, median {engine:N0} ms");

        using var duck = new DuckOracle();
        if (!Directory.Exists(parquet) || !Directory.EnumerateFileSystemEntries(parquet).Any()) ParquetExport.Write(dataset, parquet);
        var load = Stopwatch.StartNew();
        duck.Attach(dataset, parquet);
        Console.WriteLine($"DuckDB: tables loaded in {load.Elapsed.TotalSeconds:N1} s (not timed below)");
        duck.Rows("CREATE TABLE members (patient_id INTEGER, idx INTEGER)");
        duck.Insert("members", population.Patients.Select((p, m) => new object[] { p, population.Index[m] }));
        var rows = 0L;
        var sql = Sql(spec.Features);
        var duckMs = Timing.Median(repeats, () => rows = sql.Sum(q => (long)duck.Rows(q).Count));
        Console.WriteLine($"DuckDB: {rows:N0} result rows (one per member and utilisation window, per member and flag), median {duckMs:N0} ms");
        Console.WriteLine($"DuckDB / engine: {duckMs / engine:N2}");
        return 0;
    }

    /// <summary>The features as SQL: each member's rows joined by patient, their month's distance from the index, then the same aggregates and flags per window.</summary>
    private static List<string> Sql(FeatureSpec spec)
    {
        const string Offset = "(t.service_month // 100 * 12 + t.service_month % 100 - 1 - m.idx)";
        var earliest = spec.Windows.Min(w => w.From);
        var queries = new List<string>
        {
            $"""
            SELECT m.patient_id, arg_max(t.age, t.service_month), arg_max(t.sex, t.service_month), arg_max(t.prefecture, t.service_month), arg_max(t.insurer_kind, t.service_month)
            FROM receipts t JOIN members m USING (patient_id) WHERE {Offset} BETWEEN {earliest} AND 0 GROUP BY m.patient_id
            """,
            "SELECT m.patient_id, " + string.Join(", ", spec.Windows.Select(w =>
                $"count(*) FILTER (WHERE {Offset} BETWEEN {w.From} AND {w.To}), count(t.admission_date) FILTER (WHERE {Offset} BETWEEN {w.From} AND {w.To}), " +
                $"sum(t.total_points) FILTER (WHERE {Offset} BETWEEN {w.From} AND {w.To})")) +
                $" FROM receipts t JOIN members m USING (patient_id) WHERE {Offset} BETWEEN {earliest} AND -1 GROUP BY m.patient_id",
        };
        var length = spec.Diagnoses == DiagnosisLevel.Category ? 3 : 1;
        foreach (var (table, group) in new[] { ("diagnoses", $"substr(t.icd10, 1, {length})"), ("drugs", "t.drug_class") }.Where(t => t.Item1 == "drugs" ? spec.Drugs : spec.Diagnoses is not null))
        {
            queries.Add($"SELECT m.patient_id, {group}, " + string.Join(", ", spec.Windows.Select(w => $"bool_or({Offset} BETWEEN {w.From} AND {w.To})")) +
                $" FROM {table} t JOIN members m USING (patient_id) WHERE {Offset} BETWEEN {earliest} AND -1 AND {group} IS NOT NULL GROUP BY ALL");
        }
        return queries;
    }
}
