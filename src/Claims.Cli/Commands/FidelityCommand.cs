using System.CommandLine;
using System.Text.Json;
using Claims.SyntheticGen.Fidelity;
using Spectre.Console;

namespace Claims.Cli.Commands;

/// <summary>`claims fidelity`: how closely a generated dataset follows its calibration targets.</summary>
internal static class FidelityCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var data = CommonOptions.Data();
        var json = CommonOptions.Json();
        var command = new Command("fidelity", "Compare a generated dataset with its calibration targets") { data, json };
        command.SetAction(parse =>
        {
            CommonOptions.RequirePublic(Engine.Storage.DatasetManifest.Read(parse.GetValue(data)!), parse.GetValue(data)!, "fidelity");
            var rows = FidelityReport.Compute(parse.GetValue(data)!);
            if (parse.GetValue(json))
            {
                var shaped = rows.Select(r => new { metric = r.Metric, target = r.Target, synthetic = r.Value, tolerance = r.Tolerance, source = r.Source, within = r.Pass });
                console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(shaped, CliJson.Options));
            }
            else
            {
                var table = new Table().AddColumns("metric", "target", "synthetic", "tolerance", "within", "source");
                foreach (var r in rows)
                {
                    table.AddRow(Markup.Escape(r.Metric), Format(r.Target), Format(r.Value), Format(r.Tolerance),
                        r.Pass ? "[green]yes[/]" : "[red]no[/]", Markup.Escape(r.Source.Length > 60 ? r.Source[..57] + "..." : r.Source));
                }
                console.Write(table);
                console.MarkupLineInterpolated($"{rows.Count(r => r.Pass)} of {rows.Count} metrics within tolerance");
            }
            return rows.All(r => r.Pass) ? 0 : 3;
        });
        return command;
    }

    private static string Format(double value) => Math.Abs(value) >= 100 ? value.ToString("N0") : value.ToString("0.####");
}
