using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Claims.Cli.Bench;
using Claims.Engine.Storage;
using Spectre.Console;

namespace Claims.Cli.Commands;

/// <summary>`claims bench`: the engine against DuckDB on the same data, in one process; markdown and OUT/bench.json.</summary>
internal static class BenchCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var data = CommonOptions.Data();
        var output = new Option<string>("--out") { Description = "Folder for bench.md and bench.json", DefaultValueFactory = _ => "results" };
        var repeats = new Option<int>("--repeats") { Description = "Timed runs per query (the best counts)", DefaultValueFactory = _ => 5 };
        var command = new Command("bench", "Run the query suite on the engine and on DuckDB, side by side") { data, output, repeats };
        command.SetAction(parse =>
        {
            using var dataset = Dataset.Open(parse.GetValue(data)!);
            CommonOptions.RequirePublic(dataset.Manifest, dataset.Directory, "bench");
            var (bandwidth, results) = BenchRunner.Run(dataset, Math.Max(1, parse.GetValue(repeats)), line => console.MarkupLineInterpolated($"[grey]{line}[/]"));
            var folder = parse.GetValue(output)!;
            Directory.CreateDirectory(folder);
            var markdown = Markdown(bandwidth, results);
            File.WriteAllText(Path.Combine(folder, "bench.md"), markdown);
            var json = new
            {
                bandwidth_gbps = bandwidth,
                queries = results.Select(r => new
                {
                    name = r.Name, engine_ms = r.EngineMs, duckdb_ms = r.DuckdbMs, ratio = r.Ratio, rows = r.Rows,
                    engine_gbps = r.EngineGbps, bandwidth_fraction = r.BandwidthFraction,
                }),
            };
            File.WriteAllText(Path.Combine(folder, "bench.json"), JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
            console.Profile.Out.Writer.Write(markdown);
            return 0;
        });
        return command;
    }

    private static string Markdown(double bandwidth, IReadOnlyList<BenchResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Memory read bandwidth measured in the same run: {bandwidth:F1} GB/s");
        text.AppendLine();
        text.AppendLine("| query | engine ms | DuckDB ms | ratio (DuckDB / engine) | rows | rows/s | engine GB/s | share of bandwidth |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.EngineMs:F1} | {r.DuckdbMs:F1} | {r.Ratio:F2} | {r.Rows:N0} | {r.Rows / r.EngineMs * 1000:N0} | {r.EngineGbps:F2} | {r.BandwidthFraction:P0} |");
        }
        return text.ToString();
    }
}
