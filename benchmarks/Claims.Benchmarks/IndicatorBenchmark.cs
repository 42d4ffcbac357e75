using Claims.Engine.Indicators;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Storage;
using Claims.Testing;

namespace Claims.Benchmarks;

/// <summary>
/// Every dashboard indicator built on a public dataset, as a first view asks it:
/// `indicators --data DIR [--parquet DIR] [--repeats N] [--only ID,…]`. For each indicator the first build in the process (cold:
/// its columns mapped and checksummed on first read) and the median of the next builds (warm), against the
/// dashboards' target of 2 s a view at a million persons. With --parquet, the two dearest indicators' queries are
/// also run in DuckDB over tables loaded from the Parquet export (written there first if it is empty), warm, and
/// the harness prints the ratio measured in the same run. --only builds the named indicators alone, so a profile of
/// one holds nothing else (its cold build then also pays the first read of every column it shares with the others).
/// </summary>
public static class IndicatorBenchmark
{
    public static int Run(string[] args)
    {
        var data = HarnessArgs.Values(args, "--data").Single();
        var parquet = HarnessArgs.Value(args, "--parquet");
        var repeats = int.Parse(HarnessArgs.Value(args, "--repeats") ?? "3");
        var only = HarnessArgs.Value(args, "--only")?.Split(',');
        using var dataset = Dataset.Open(data);
        if (dataset.Manifest.Access != DatasetAccess.Public)
        {
            Console.Error.WriteLine($"'{data}' is restricted: the benchmark builds indicators with exact releases, on public data");
            return 2;
        }
        Console.WriteLine($"{dataset.RowCount:N0} rows, {Environment.ProcessorCount} cores, {repeats} warm runs an indicator");
        var catalog = IndicatorCatalog.Of(dataset.Schema);
        var warm = new Dictionary<string, double>();
        foreach (var indicator in catalog.Indicators.Where(i => only is null || only.Contains(i.Id)))
        {
            void Build() => IndicatorBuilder.Build(dataset, indicator, IndicatorFilter.None, text => new DisclosedResult(dataset.Execute(text), [], []));
            var cold = Timing.Median(1, Build);
            warm[indicator.Id] = Timing.Median(repeats, Build);
            Console.WriteLine($"{indicator.Id,-24} cold {cold,8:N0} ms, warm {warm[indicator.Id],8:N0} ms");
        }
        if (parquet is null) return 0;

        using var duck = new DuckOracle();
        if (!Directory.Exists(parquet) || !Directory.EnumerateFileSystemEntries(parquet).Any()) ParquetExport.Write(dataset, parquet);
        duck.Attach(dataset, parquet);
        foreach (var (id, sql) in Peers().Where(p => warm.ContainsKey(p.Id)))
        {
            var duckMs = Timing.Median(repeats, () => sql.ForEach(q => duck.Rows(q)));
            Console.WriteLine($"{id,-24} DuckDB {duckMs,8:N0} ms, DuckDB / engine {duckMs / warm[id]:N2}");
        }
        return 0;
    }

    /// <summary>The same questions in SQL: each numerator by prefecture and for the nation, and the strata a standardisation reads.</summary>
    private static IEnumerable<(string Id, List<string> Sql)> Peers()
    {
        const string Group = "CASE WHEN age < 15 THEN 0 WHEN age < 45 THEN 15 WHEN age < 65 THEN 45 WHEN age < 75 THEN 65 ELSE 75 END";
        yield return ("spending_per_capita",
        [
            "SELECT prefecture, sum(total_points), count(DISTINCT patient_id) FROM receipts GROUP BY ALL",
            "SELECT sum(total_points), count(DISTINCT patient_id) FROM receipts",
            $"SELECT {Group} AS g, prefecture, sex, sum(total_points), count(DISTINCT patient_id) FROM receipts GROUP BY ALL",
            $"SELECT {Group} AS g, prefecture, sex, sum(persons) FROM population GROUP BY ALL",
        ]);
        var sets = GenericCodeSets.With;
        yield return ("generic_share",
        [
            $"{sets} SELECT prefecture, sum(quantity), count(DISTINCT d.patient_id) FROM drugs d JOIN receipts USING (receipt_id, service_month) WHERE code IN (SELECT code FROM g) GROUP BY ALL",
            $"{sets} SELECT prefecture, sum(quantity), count(DISTINCT d.patient_id) FROM drugs d JOIN receipts USING (receipt_id, service_month) WHERE code IN (SELECT code FROM s) GROUP BY ALL",
            $"{sets} SELECT sum(quantity), count(DISTINCT patient_id) FROM drugs WHERE code IN (SELECT code FROM g)",
            $"{sets} SELECT sum(quantity), count(DISTINCT patient_id) FROM drugs WHERE code IN (SELECT code FROM s)",
        ]);
    }
}
