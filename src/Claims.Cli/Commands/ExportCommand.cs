using System.CommandLine;
using System.Diagnostics;
using Claims.Engine.Storage;
using Spectre.Console;

namespace Claims.Cli.Commands;

/// <summary>`claims export`: every table as Parquet, for DuckDB, pandas and R; `claims export uke`: 医科 receipts as UKE files.</summary>
internal static class ExportCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var data = CommonOptions.Data();
        var output = CommonOptions.Out("The folder to write OUT/<table>/<YYYYMM>.parquet into");
        var format = new Option<string>("--format") { Description = "Output format", DefaultValueFactory = _ => "parquet" };
        format.AcceptOnlyFromAmong("parquet");
        var command = new Command("export", "Export every table of a dataset as Parquet files") { data, output, format, Uke(console) };
        command.SetAction(parse =>
        {
            using var dataset = Dataset.Open(parse.GetValue(data)!);
            CommonOptions.RequirePublic(dataset.Manifest, dataset.Directory, "export");
            var stopwatch = Stopwatch.StartNew();
            var files = ParquetExport.Write(dataset, parse.GetValue(output)!);
            var rows = files.Sum(f => f.Rows);
            console.MarkupLineInterpolated(
                $"wrote {files.Count} files, {rows:N0} rows to {Path.GetFullPath(parse.GetValue(output)!)} in {stopwatch.Elapsed.TotalSeconds:F1} s");
            return 0;
        });
        return command;
    }

    private static Command Uke(IAnsiConsole console)
    {
        var data = CommonOptions.Data();
        var output = CommonOptions.Out("An empty or new folder for the UKE files");
        var command = new Command("uke", "Write the dataset's 医科 receipts as UKE (レセ電) files, with made-up names and cards") { data, output };
        command.SetAction(parse =>
        {
            using var dataset = Dataset.Open(parse.GetValue(data)!);
            CommonOptions.RequirePublic(dataset.Manifest, dataset.Directory, "export uke");
            var stopwatch = Stopwatch.StartNew();
            var summary = Claims.Import.UkeExporter.Write(dataset, parse.GetValue(output)!);
            console.MarkupLineInterpolated(
                $"wrote {summary.Receipts:N0} receipts, {summary.Lines:N0} lines in {summary.Files:N0} files to {Path.GetFullPath(parse.GetValue(output)!)} in {stopwatch.Elapsed.TotalSeconds:F1} s");
            if (summary.PopulationCells > 0)
                console.MarkupLineInterpolated($"and the population table's {summary.PopulationCells:N0} cells to {Claims.Import.UkeExporter.PopulationFileName} (import uke --population reads it)");
            if (summary.SkippedByClaimKind.Count > 0)
                console.MarkupLineInterpolated(
                    $"not written (claim kinds the UKE importer does not read yet): {string.Join(", ", summary.SkippedByClaimKind.Select(k => $"kind {k.Key}: {k.Value:N0}"))}");
            return 0;
        });
        return command;
    }
}
