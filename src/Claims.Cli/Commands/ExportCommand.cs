using System.CommandLine;
using System.Diagnostics;
using Claims.Engine.Storage;
using Spectre.Console;

namespace Claims.Cli.Commands;

/// <summary>`claims export`: every table as Parquet, for DuckDB, pandas and R.</summary>
internal static class ExportCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var data = CommonOptions.Data();
        var output = CommonOptions.Out("The folder to write OUT/<table>/<YYYYMM>.parquet into");
        var format = new Option<string>("--format") { Description = "Output format", DefaultValueFactory = _ => "parquet" };
        format.AcceptOnlyFromAmong("parquet");
        var command = new Command("export", "Export every table of a dataset as Parquet files") { data, output, format };
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
}
