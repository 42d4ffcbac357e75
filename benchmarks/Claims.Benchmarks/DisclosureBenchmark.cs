using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Storage;

namespace Claims.Benchmarks;

/// <summary>
/// What disclosure control costs on a restricted dataset: `disclosure --data DIR [--query FILE …] [--repeats N]`.
/// Each query runs as the engine answers it (no control) and through <see cref="DisclosureControl"/> with a fresh
/// ledger each time (a question far from all asked before, the dearest case: every cell is sketched and kept), and
/// the harness prints both medians and their ratio, measured in the same run. Without `--query` it runs a built-in
/// set: counts, sums (which keep each patient's total in the scan, to clip it) and averages.
/// </summary>
public static class DisclosureBenchmark
{
    private static readonly string[] s_queries =
    [
        """{"from": "receipts", "groupBy": ["prefecture"], "select": [{"count": "*", "as": "claims"}, {"countDistinct": "patient_id", "as": "patients"}]}""",
        """{"from": "receipts", "select": [{"sum": "total_points", "as": "points"}]}""",
        """{"from": "receipts", "groupBy": ["prefecture", "sex"], "select": [{"sum": "total_points", "as": "points"}, {"count": "*", "as": "claims"}]}""",
        """{"from": "receipts", "groupBy": ["prefecture", "sex", "age_band"], "select": [{"sum": "total_points", "as": "points"}, {"avg": "actual_days", "as": "days"}]}""",
        """{"from": "checkups", "groupBy": ["sex", "age_band"], "select": [{"avg": "hba1c", "as": "hba1c"}, {"count": "hba1c", "as": "measured"}]}""",
    ];

    public static int Run(string[] args)
    {
        var data = HarnessArgs.Values(args, "--data").Single();
        var files = HarnessArgs.Values(args, "--query").ToArray();
        var queries = files.Length == 0 ? s_queries : files.Select(File.ReadAllText).ToArray();
        var repeats = int.Parse(HarnessArgs.Values(args, "--repeats").SingleOrDefault() ?? "5");
        using var dataset = Dataset.Open(data);
        if (dataset.Manifest.Access != DatasetAccess.Restricted)
        {
            Console.Error.WriteLine($"'{data}' is public: disclosure control applies to restricted datasets (generate one with --access restricted)");
            return 2;
        }
        var releases = Directory.CreateTempSubdirectory("claims-disclosure-benchmark");
        try
        {
            Console.WriteLine($"{dataset.RowCount:N0} rows, {Environment.ProcessorCount} cores, {repeats} runs a query");
            var project = 0;
            foreach (var json in queries)
            {
                var query = QueryParser.Parse(json, dataset.Schema);
                var plain = Warm(repeats, () => dataset.Execute(query));
                var released = Warm(repeats, () => DisclosureControl.Apply(dataset, query,
                    new DisclosureRequest($"p{project++}", new ReleaseLedger(releases.FullName), json, DisclosurePolicy.Default, long.MaxValue)));
                Console.WriteLine($"{json}\n  engine {plain:N0} ms, released {released:N0} ms: {released / plain:N1}× the engine");
            }
        }
        finally
        {
            releases.Delete(recursive: true);
        }
        return 0;
    }

    /// <summary>One run first, untimed (columns mapped and checksummed, the JIT warm), then the median of the rest.</summary>
    private static double Warm(int repeats, Action run)
    {
        run();
        return Timing.Median(repeats, run);
    }
}
