using System.CommandLine;
using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using Claims.Engine.Cohorts;
using Claims.Engine.Storage;
using Spectre.Console;

namespace Claims.Cli.Commands;

/// <summary>`claims cohort`: build a cohort from its JSON definition and print the attrition table and the count.</summary>
internal static class CohortCommand
{
    private static readonly JsonSerializerOptions s_json = new(CliJson.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(IAnsiConsole console, TextReader input)
    {
        var data = CommonOptions.Data();
        var definition = new Option<string>("--def") { Description = "The cohort definition file (data-schemas/cohort.schema.json), or - for standard input", Required = true };
        var json = CommonOptions.Json();
        var command = new Command("cohort", "Build a cohort and print its attrition: each rule, the patients remaining and removed") { data, definition, json };
        command.SetAction(parse =>
        {
            var text = CommonOptions.ReadText(parse.GetValue(definition)!, input, "--def");
            using var dataset = Dataset.Open(parse.GetValue(data)!);
            var parsed = CohortParser.Parse(text, dataset.Schema);
            var stopwatch = Stopwatch.StartNew();
            var cohort = dataset.BuildCohort(parsed);
            stopwatch.Stop();
            if (parse.GetValue(json))
            {
                console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(
                    new { name = cohort.Name, attrition = cohort.Attrition, count = cohort.Count, elapsedMs = Math.Round(stopwatch.Elapsed.TotalMilliseconds, 1) }, s_json));
                return 0;
            }
            var table = new Table().AddColumn("rule").AddColumn(new TableColumn("remaining").RightAligned()).AddColumn(new TableColumn("removed").RightAligned());
            foreach (var step in cohort.Attrition) table.AddRow(Markup.Escape(step.Rule), $"{step.Remaining:N0}", $"{step.Removed:N0}");
            console.MarkupLineInterpolated($"[bold]{cohort.Name}[/]");
            console.Write(table);
            console.MarkupLineInterpolated($"count: {cohort.Count:N0} patients ({stopwatch.Elapsed.TotalMilliseconds:N0} ms)");
            return 0;
        });
        return command;
    }
}
