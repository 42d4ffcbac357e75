using System.CommandLine;
using Claims.Engine;
using Claims.Engine.Storage;
using Claims.SyntheticGen;
using Spectre.Console;

namespace Claims.Cli.Commands;

/// <summary>`claims generate`: a synthetic dataset calibrated to national statistics, with its ground truth.</summary>
internal static class GenerateCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var output = CommonOptions.Out("The dataset folder to write (created; an existing dataset there is replaced)");
        var persons = new Option<int>("--persons") { Description = "Persons at the start of the window", Required = true };
        var from = new Option<string>("--from") { Description = "First service month, YYYY-MM", DefaultValueFactory = _ => "2023-04" };
        var months = new Option<int>("--months") { Description = "Number of months", DefaultValueFactory = _ => 12 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed: the same seed and parameters give byte-identical files", Required = true };
        var threads = new Option<int>("--threads") { Description = "Worker threads (does not change the output)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var access = new Option<string>("--access") { Description = "public, or restricted for a stand-in of the real data", DefaultValueFactory = _ => "public" };
        access.AcceptOnlyFromAmong("public", "restricted");
        var command = new Command("generate", "Generate a synthetic NDB-style dataset") { output, persons, from, months, seed, threads, access };
        command.SetAction(parse =>
        {
            var options = new GenerateOptions
            {
                Out = parse.GetValue(output)!,
                Persons = parse.GetValue(persons),
                From = CommonOptions.ParseMonth(parse.GetValue(from)!, "--from"),
                Months = parse.GetValue(months),
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
                Access = parse.GetValue(access) == "restricted" ? DatasetAccess.Restricted : DatasetAccess.Public,
            };
            var summary = console.Profile.Capabilities.Interactive
                ? WithProgressBar(console, options)
                : Generator.Run(options);
            Report(console, summary);
            return 0;
        });
        return command;
    }

    private static GenerateSummary WithProgressBar(IAnsiConsole console, GenerateOptions options)
    {
        GenerateSummary? summary = null;
        console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("calibrating");
                summary = Generator.Run(options, progress: new InlineProgress<GenerateProgress>(p =>
                {
                    task.Description = p.Step.ToString().ToLowerInvariant();
                    task.MaxValue = p.Total;
                    task.Value = p.Done;
                }));
            });
        return summary!;
    }

    private static void Report(IAnsiConsole console, GenerateSummary summary)
    {
        var table = new Table().AddColumns("table", "rows");
        foreach (var (name, rows) in summary.RowsPerTable.OrderByDescending(r => r.Value)) table.AddRow(name, rows.ToString("N0"));
        table.AddRow("[bold]total[/]", summary.Rows.ToString("N0"));
        console.Write(table);
        console.MarkupLineInterpolated(
            $"{summary.Persons:N0} persons, {summary.Rows:N0} rows in {summary.Elapsed.TotalSeconds:F1} s ({summary.RowsPerSecond:N0} rows/s)");
        console.MarkupLineInterpolated($"linked into {summary.Patients:N0} patients in {summary.Linkage.TotalSeconds:F1} s");
    }
}
