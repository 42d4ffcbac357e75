using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Claims.Engine.Storage;
using Claims.Import;
using Claims.Import.Population;
using Spectre.Console;

namespace Claims.Cli.Commands;

/// <summary>`claims import uke`: real-format claim files (レセ電) into a dataset, checked receipt by receipt.</summary>
internal static class ImportCommand
{
    private const int ListedFiles = 20;

    public static Command Create(IAnsiConsole console) => new("import", "Import real claim files into a dataset") { Uke(console) };

    private static Command Uke(IAnsiConsole console)
    {
        var inputs = new Argument<string[]>("FILES") { Description = "UKE files, or folders whose *.UKE files are all read", Arity = ArgumentArity.OneOrMore };
        var output = CommonOptions.Out("The dataset folder to write (a new version replaces what it held)");
        var salt = new Option<string>("--salt-file")
        {
            Description = "The custodian's secret salt for id1 and id2, made (mode 0600) when missing; keep it outside the dataset",
            DefaultValueFactory = _ => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".claims", "uke-salt.key"),
        };
        var access = new Option<string>("--access") { Description = "restricted (real data, the default) or public", DefaultValueFactory = _ => "restricted" };
        access.AcceptOnlyFromAmong("restricted", "public");
        var strict = new Option<bool>("--strict") { Description = "Any failed check stops the import with nothing published, instead of rejecting the receipt" };
        var population = new Option<string?>("--population")
        {
            Description = $"A CSV of published insured-population figures for the population table, header '{PopulationFile.Header}'",
        };
        var json = CommonOptions.Json();
        var command = new Command("uke", "Import 医科 UKE (レセ電) files: checked, names hashed into id1/id2, linked into patients")
            { inputs, output, salt, access, strict, population, json };
        command.SetAction(parse =>
        {
            var stopwatch = Stopwatch.StartNew();
            var report = UkeImporter.Run(new UkeImportOptions
            {
                Inputs = parse.GetValue(inputs)!,
                Out = parse.GetValue(output)!,
                SaltFile = parse.GetValue(salt)!,
                Access = parse.GetValue(access) == "public" ? DatasetAccess.Public : DatasetAccess.Restricted,
                Strict = parse.GetValue(strict),
                Population = parse.GetValue(population),
            });
            if (parse.GetValue(json))
                console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(report, CliJson.Options));
            else
                Render(console, report, stopwatch.Elapsed);
            return 0;
        });
        return command;
    }

    private static void Render(IAnsiConsole console, UkeImportReport report, TimeSpan elapsed)
    {
        var files = new Table().AddColumns("file", "dates", "billing month", "lines", "receipts", "rejected");
        // A folder can hold thousands of files (one per facility and month): the first few show the shape, the report has all.
        foreach (var f in report.Files.Take(ListedFiles))
            files.AddRow(Markup.Escape(Path.GetFileName(f.Path)), f.DateConvention, f.BillingMonth.ToString(), f.Lines.ToString("N0"), f.Receipts.ToString("N0"), f.Rejected.ToString("N0"));
        console.Write(files);
        if (report.Files.Count > ListedFiles) console.MarkupLineInterpolated($"… and {report.Files.Count - ListedFiles:N0} more files");
        var rules = new Table().AddColumns("rule", "failures");
        foreach (var (rule, count) in report.FailuresByRule) rules.AddRow(rule, count.ToString("N0"));
        console.Write(rules);
        foreach (var failure in report.Failures.Take(20)) console.WriteLine(failure);
        if (report.UnknownCodes.Count > 0)
            console.MarkupLineInterpolated(
                $"{report.UnknownCodes.Count:N0} codes not in the masters (kept as written): {string.Join(", ", report.UnknownCodes.Take(10).Select(u => $"{u.Master} {u.Code} ×{u.Count}"))}");
        console.MarkupLineInterpolated(
            $"imported {report.ReceiptsImported:N0} of {report.ReceiptsRead:N0} receipts ({report.PointsImported:N0} points) for {report.Patients:N0} patients into {report.Out} in {elapsed.TotalSeconds:F1} s");
        if (report.RejectsFile is not null)
            console.MarkupLineInterpolated($"{report.ReceiptsRejected:N0} receipts rejected, with their reasons, to {report.RejectsFile}");
        console.MarkupLineInterpolated($"report: {Path.Combine(report.Out, UkeImporter.ReportFolder, "report.json")}");
    }
}
