using System.Diagnostics;
using System.Globalization;
using Apache.Arrow;
using Claims.Cluster.Grains;
using Claims.Cluster.Hosting;
using Claims.Engine.Query;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;
using Claims.SyntheticGen;
using Claims.Testing;
using Microsoft.Extensions.Hosting;

namespace Claims.Benchmarks;

/// <summary>
/// What a query pays for the cluster path: `cluster [--data DIR] [--persons N] [--months M] [--repeats R]`. A small
/// linked dataset (generated unless --data names one) is split into 1, 6, 24 and 96 shards and the same queries run
/// on the unsplit dataset in this process, through one silo hosted in this process (a client over loopback, as a
/// coordinator talks to a cluster) for every split, and through 1, 2 and 3 `claims silo` processes over the 6-shard
/// split. The shards are small on purpose: what is left over the single node's time is the scatter, the partials'
/// transfer and merge, and the grain calls, not the scan. Every answer, timed or not, must equal the single node's.
/// </summary>
public static class ClusterBenchmark
{
    private static readonly (string Name, string Json)[] s_queries =
    [
        ("claims by sex", """{"from": "receipts", "groupBy": ["sex"], "select": [{"count": "*", "as": "claims"}]}"""),
        ("points by prefecture and age band", """{"from": "receipts", "groupBy": ["prefecture", "age_band"], "select": [{"sum": "total_points", "as": "points"}]}"""),
        ("distinct patients", """{"from": "receipts", "select": [{"countDistinct": "patient_id", "as": "patients"}]}"""),
        ("days and claims by sex, age ≥ 40", """{"from": "receipts", "where": {"col": "age", "ge": 40}, "groupBy": ["sex"], "select": [{"avg": "actual_days", "as": "days"}, {"count": "*", "as": "claims"}]}"""),
    ];

    private static readonly int[] s_splits = [1, 6, 24, 96];
    private const int ProcessSplit = 6;
    private const int MaxSiloProcesses = 3;
    private const int WarmUpRuns = 30;
    private static readonly TimeSpan s_warmUp = TimeSpan.FromSeconds(1);

    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        var persons = int.Parse(HarnessArgs.Value(args, "--persons") ?? "20000");
        var months = int.Parse(HarnessArgs.Value(args, "--months") ?? "3");
        var repeats = int.Parse(HarnessArgs.Value(args, "--repeats") ?? "21");
        var temp = Directory.CreateTempSubdirectory("claims-cluster-benchmark");
        try
        {
            var data = HarnessArgs.Value(args, "--data") ?? Generate(temp.FullName, persons, months);
            using var dataset = Dataset.Open(data);
            var splits = Path.Combine(temp.FullName, "splits");
            foreach (var shards in s_splits) DatasetShards.Write(dataset, Split(splits, shards), shards);
            var rows = dataset.Table("receipts").RowCount;
            Console.WriteLine($"receipts {rows:N0} rows ({dataset.RowCount:N0} in all tables, {persons:N0} persons × {months} months unless --data), "
                              + $"{Environment.ProcessorCount} cores, medians of {repeats} after at least {WarmUpRuns} untimed runs and {s_warmUp.TotalSeconds:0} s");
            for (var q = 0; q < s_queries.Length; q++) Console.WriteLine($"  q{q + 1} {s_queries[q].Name}: {s_queries[q].Json}");

            var expected = s_queries.Select(q => Rows(dataset.Execute(q.Json))).ToArray();
            var single = Measure("single node", repeats, expected, json => dataset.Execute(json));
            var inProcess = await InProcessSilo(splits, repeats, expected);
            var processes = new List<double[]>();
            for (var count = 1; count <= MaxSiloProcesses; count++) processes.Add(await SiloProcesses(count, splits, repeats, expected));

            Console.WriteLine();
            Console.WriteLine($"| path | shards | {string.Join(" | ", s_queries.Select((_, q) => $"q{q + 1}"))} |");
            Console.WriteLine($"|---|---|{string.Concat(s_queries.Select(_ => "---|"))}");
            Console.WriteLine($"| single node | – | {Cells(single, single, 0)} |");
            for (var i = 0; i < s_splits.Length; i++) Console.WriteLine($"| 1 silo in this process | {s_splits[i]} | {Cells(inProcess[i], single, s_splits[i])} |");
            for (var i = 0; i < processes.Count; i++)
                Console.WriteLine($"| {i + 1} `claims silo` process{(i == 0 ? "" : "es")} | {ProcessSplit} | {Cells(processes[i], single, ProcessSplit)} |");

            Console.WriteLine();
            Console.WriteLine("| query | rows/s, single node | rows/s, 1 shard | fixed per query (1 shard − single node) | per extra shard ((96 − 1 shard) / 95) | out of process (1 process − in process, 6 shards) | per added silo process (2 − 1, 3 − 2) |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            for (var q = 0; q < s_queries.Length; q++)
            {
                var perShard = (inProcess[^1][q] - inProcess[0][q]) / (s_splits[^1] - s_splits[0]);
                var outOfProcess = processes[0][q] - inProcess[System.Array.IndexOf(s_splits, ProcessSplit)][q];
                Console.WriteLine($"| q{q + 1} | {Rate(rows, single[q])} | {Rate(rows, inProcess[0][q])} | {inProcess[0][q] - single[q]:N2} ms | {perShard:N3} ms | "
                                  + $"{outOfProcess:N2} ms | {processes[1][q] - processes[0][q]:N2}, {processes[2][q] - processes[1][q]:N2} ms |");
            }
            Console.WriteLine("every cluster answer equalled the single node's");
        }
        finally
        {
            temp.Delete(recursive: true);
        }
        return 0;
    }

    private static string Generate(string temp, int persons, int months)
    {
        var output = Path.Combine(temp, "data");
        Generator.Run(new GenerateOptions { Out = output, Persons = persons, From = 202304, Months = months, Seed = 1 });
        return output;
    }

    private static string Split(string splits, int shards) => Path.Combine(splits, $"shards-{shards}");

    /// <summary>One silo hosted here, reached through its gateway over loopback, for every split: the medians per split.</summary>
    private static async Task<double[][]> InProcessSilo(string splits, int repeats, List<string>[] expected)
    {
        var id = "claims-bench-" + Guid.NewGuid().ToString("N")[..8];
        var port = RealProcess.FreePort();
        var settings = new ClusterSettings { ClusterId = id, ServiceId = id, SiloPort = port, PrimarySiloPort = port, GatewayPort = RealProcess.FreePort() };
        using var host = ClusterHosting.Silo(settings, new ShardRoots([splits]), ExecutionOptions.Default);
        await host.StartAsync();
        try
        {
            await using var connection = await ClusterConnection.ConnectAsync(settings with { Gateways = [settings.GatewayPort] });
            return [.. s_splits.Select(shards =>
            {
                using var cluster = connection.Open(Split(splits, shards));
                return Measure($"1 silo in this process, {shards} shards", repeats, expected, json => cluster.Execute(json));
            })];
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>A fresh cluster of <paramref name="count"/> `claims silo` processes (the first the primary) over the 6-shard split, killed afterwards whatever happened.</summary>
    private static async Task<double[]> SiloProcesses(int count, string splits, int repeats, List<string>[] expected)
    {
        // A fresh cluster each time: shard grains stay where they were first placed, so silos joining a cluster whose
        // grains are active would take no shards.
        var id = "claims-bench-" + Guid.NewGuid().ToString("N")[..8];
        var silos = new List<RealProcess>();
        try
        {
            var primary = RealProcess.FreePort();
            var gateways = new List<int>();
            for (var i = 0; i < count; i++)
            {
                gateways.Add(RealProcess.FreePort());
                silos.Add(await RealProcess.Claims(typeof(Cli.ClaimsCli).Assembly.Location, "silo ready", "silo", "--shards", splits, "--cluster-id", id,
                    "--silo-port", (i == 0 ? primary : RealProcess.FreePort()).ToString(CultureInfo.InvariantCulture),
                    "--gateway-port", gateways[i].ToString(CultureInfo.InvariantCulture), "--primary-port", primary.ToString(CultureInfo.InvariantCulture)));
            }
            await using var connection = await ClusterConnection.ConnectAsync(new ClusterSettings { ClusterId = id, ServiceId = id, Gateways = gateways });
            var management = connection.Client.GetGrain<IManagementGrain>(0);
            var hosts = (await management.GetHosts(onlyActive: true)).Count;
            if (hosts != count) throw new InvalidOperationException($"{count} silo processes started but the cluster has {hosts} active silos");
            using var cluster = connection.Open(Split(splits, ProcessSplit));
            var medians = Measure($"{count} silo processes", repeats, expected, json => cluster.Execute(json));
            var placed = (await management.GetDetailedGrainStatistics())
                .Where(s => s.GrainId.Key.ToString().StartsWith(cluster.Directory, StringComparison.Ordinal))
                .GroupBy(s => s.SiloAddress).Select(g => g.Count().ToString(CultureInfo.InvariantCulture));
            Console.WriteLine($"{count} silo process{(count == 1 ? "" : "es")}: shard grains per silo {string.Join(", ", placed)}");
            return medians;
        }
        finally
        {
            foreach (var silo in silos) silo.Dispose();
        }
    }

    /// <summary>The median of each query after a second of untimed runs (grains activated, columns mapped and checksummed, the JIT done), every answer checked.</summary>
    private static double[] Measure(string path, int repeats, List<string>[] expected, Func<string, RecordBatch> run)
    {
        var medians = new double[s_queries.Length];
        for (var q = 0; q < s_queries.Length; q++)
        {
            var json = s_queries[q].Json;
            var answers = new List<RecordBatch>();
            // Tiered compilation optimises a method after 30 calls and a quiet 100 ms. After one warm-up run the single
            // node, which scans once a query, would be timed in unoptimised code (2–5× slower here) and 96 shards, which
            // make 96 calls a query, in optimised code: the overhead would come out negative.
            var warming = Stopwatch.StartNew();
            while (answers.Count < WarmUpRuns || warming.Elapsed < s_warmUp) answers.Add(run(json));
            medians[q] = Timing.Median(repeats, () => answers.Add(run(json)));
            foreach (var answer in answers)
            {
                var rows = Rows(answer);
                if (!rows.SequenceEqual(expected[q]))
                    throw new InvalidOperationException($"{path}: q{q + 1} ({s_queries[q].Name}) answered\n{string.Join("\n", rows)}\nwhere the single node answered\n{string.Join("\n", expected[q])}");
            }
        }
        return medians;
    }

    /// <summary>Each row as text, sorted (no query orders its groups), floats to 12 significant digits (sums of floats depend on the order of addition).</summary>
    private static List<string> Rows(RecordBatch batch) =>
    [
        .. Enumerable.Range(0, batch.Length).Select(r => string.Join(" | ", Enumerable.Range(0, batch.ColumnCount).Select(c =>
            ArrowValues.Value(batch.Column(c), r) switch
            {
                null => "NULL",
                double d => d.ToString("G12", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                var v => v.ToString(),
            }))).Order(StringComparer.Ordinal),
    ];

    private static string Rate(long rows, double ms) => $"{rows / ms / 1e3:N1} M";

    private static string Cells(double[] medians, double[] single, int shards) => string.Join(" | ", medians.Select((ms, q) => shards == 0
        ? $"{ms:N2} ms"
        : $"{ms:N2} ms ({ms - single[q]:+0.00;-0.00}, {(ms - single[q]) / shards:+0.000;-0.000}/shard)"));
}
