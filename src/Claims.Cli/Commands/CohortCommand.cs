using System.CommandLine;
using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using Claims.Engine.Cohorts;
using Claims.Engine.Privacy;
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
        data.Required = false;
        var cluster = new ClusterTarget();
        var period = CommonOptions.Period();
        var definition = new Option<string>("--def") { Description = "The cohort definition file (data-schemas/cohort.schema.json), or - for standard input", Required = true };
        var json = CommonOptions.Json();
        var execution = new ExecutionFlags();
        var disclosure = new DisclosureOptions();
        var command = new Command("cohort", "Build a cohort and print its attrition: each rule, the patients remaining and removed (of a dataset, or of a split dataset through its cluster)")
        {
            data, period, definition, json,
        };
        execution.AddTo(command);
        cluster.AddTo(command);
        disclosure.AddTo(command);
        command.SetAction(parse =>
        {
            var text = CommonOptions.ReadText(parse.GetValue(definition)!, input, "--def");
            var stopwatch = new Stopwatch();
            var released = cluster.Chosen(parse, data)
                ? cluster.Run(parse, parse.GetValue(period), split =>
                {
                    stopwatch.Start();
                    var cohort = split.BuildCohort(text);
                    stopwatch.Stop();
                    return CohortDisclosure.Apply(split, cohort, disclosure.Request(parse, split.Manifest.Access, split.Directory, text));
                })
                : OnThisMachine();
            if (parse.GetValue(json))
            {
                console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(new
                {
                    name = released.Name,
                    attrition = released.Attrition,
                    count = released.Count,
                    rules = released.Rules,
                    elapsedMs = Math.Round(stopwatch.Elapsed.TotalMilliseconds, 1),
                }, s_json));
                return 0;
            }
            static string Text(long? value) => value is null ? DisclosurePolicy.Marker : $"{value:N0}";
            var table = new Table().AddColumn("rule").AddColumn(new TableColumn("remaining").RightAligned()).AddColumn(new TableColumn("removed").RightAligned());
            foreach (var step in released.Attrition)
                table.AddRow(Markup.Escape(step.Rule), Markup.Escape(Text(step.Remaining)), Markup.Escape(Text(step.Removed)));
            console.MarkupLineInterpolated($"[bold]{released.Name}[/]");
            console.Write(table);
            console.MarkupLineInterpolated($"count: {Text(released.Count)} patients ({stopwatch.Elapsed.TotalMilliseconds:N0} ms)");
            foreach (var rule in released.Rules) console.MarkupLineInterpolated($"[grey]{rule}[/]");
            return 0;

            DisclosedCohort OnThisMachine()
            {
                using var opened = Dataset.Open(parse.GetValue(data)!);
                var dataset = CommonOptions.InPeriod(opened, parse.GetValue(period));
                var parsed = CohortParser.Parse(text, dataset.Schema);
                stopwatch.Start();
                var cohort = dataset.BuildCohort(parsed, execution.Options(parse));
                stopwatch.Stop();
                return CohortDisclosure.Apply(dataset, cohort, disclosure.Request(parse, dataset, text));
            }
        });
        return command;
    }
}
