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
        var parquet = new Option<string?>("--parquet") { Description = "An export of the same data (claims export) for DuckDB to query in place, as data larger than memory is queried" };
        var cold = new Option<bool>("--cold") { Description = "Evict both sides' files from the page cache before every timed run; the ceiling is the disk's read bandwidth (needs --parquet)" };
        var command = new Command("bench", "Run the query suite on the engine and on DuckDB, side by side") { data, output, repeats, parquet, cold };
        command.SetAction(parse =>
        {
            using var dataset = Dataset.Open(parse.GetValue(data)!);
            CommonOptions.RequirePublic(dataset.Manifest, dataset.Directory, "bench");
            var options = new BenchOptions(Math.Max(1, parse.GetValue(repeats)), parse.GetValue(parquet), parse.GetValue(cold));
            var report = BenchRunner.Run(dataset, options, line => console.MarkupLineInterpolated($"[grey]{line}[/]"));
            var folder = parse.GetValue(output)!;
            Directory.CreateDirectory(folder);
            var markdown = Markdown(report);
            File.WriteAllText(Path.Combine(folder, "bench.md"), markdown);
            var json = new
            {
                cold = report.Cold,
                ceiling = report.Cold ? "disk" : "memory",
                bandwidth_gbps = report.BandwidthGbps,
                tables = report.Tables.Select(t => new { name = t.Name, rows = t.Rows, store_bytes = t.StoreBytes, parquet_bytes = t.ParquetBytes }),
                queries = report.Results.Select(r => new
                {
                    name = r.Name, engine_ms = r.EngineMs, duckdb_ms = r.DuckdbMs, ratio = r.Ratio, rows = r.Rows,
                    engine_gbps = r.EngineGbps, bandwidth_fraction = r.BandwidthFraction,
                    engine_bytes_read = r.EngineBytesRead, duckdb_bytes_read = r.DuckdbBytesRead, plain_read_ms = r.PlainReadMs,
                }),
            };
            File.WriteAllText(Path.Combine(folder, "bench.json"), JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
            console.Profile.Out.Writer.Write(markdown);
            return 0;
        });
        return command;
    }

    private static string Markdown(BenchReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(report.Cold
            ? FormattableString.Invariant($"Cold: both sides' files evicted from the page cache before every timed run. Disk read bandwidth measured in the same run: {report.BandwidthGbps:F2} GB/s")
            : FormattableString.Invariant($"Memory read bandwidth measured in the same run: {report.BandwidthGbps:F1} GB/s"));
        text.AppendLine();
        text.AppendLine("| table | rows | store bytes/row | Parquet bytes/row |");
        text.AppendLine("|---|---|---|---|");
        foreach (var t in report.Tables)
            text.AppendLine(CultureInfo.InvariantCulture, $"| {t.Name} | {t.Rows:N0} | {PerRow(t.StoreBytes, t.Rows)} | {PerRow(t.ParquetBytes, t.Rows)} |");
        text.AppendLine();
        var bytes = report.Cold ? " engine MB read | DuckDB MB read | plain read of the engine's files, ms |" : "";
        text.AppendLine("| query | engine ms | DuckDB ms | ratio (DuckDB / engine) | rows | rows/s | engine GB/s | share of bandwidth |" + bytes);
        text.AppendLine(report.Cold ? "|---|---|---|---|---|---|---|---|---|---|---|" : "|---|---|---|---|---|---|---|---|");
        foreach (var r in report.Results)
        {
            var read = report.Cold ? FormattableString.Invariant($" {r.EngineBytesRead / 1e6:N0} | {r.DuckdbBytesRead / 1e6:N0} | {r.PlainReadMs:F1} |") : "";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.EngineMs:F1} | {r.DuckdbMs:F1} | {r.Ratio:F2} | {r.Rows:N0} | {r.Rows / r.EngineMs * 1000:N0} | {r.EngineGbps:F2} | {r.BandwidthFraction:P0} |{read}");
        }
        return text.ToString();
    }

    private static string PerRow(long bytes, long rows) => rows == 0 ? "–" : (bytes / (double)rows).ToString("F1", CultureInfo.InvariantCulture);
}
