using System.CommandLine;
using System.Diagnostics;
using Claims.Engine.Cohorts;
using Claims.Engine.Extracts;
using Claims.Engine.Privacy;
using Claims.Engine.Storage;
using Spectre.Console;

namespace Claims.Cli.Commands;

/// <summary>`claims extract`: every row of the chosen tables for a cohort's patients, pseudonymised for a project.</summary>
internal static class ExtractCommand
{
    public static Command Create(IAnsiConsole console, TextReader input, TextWriter error)
    {
        var data = CommonOptions.Data();
        data.Required = false;
        var cluster = new ClusterTarget();
        var period = CommonOptions.Period();
        var definition = new Option<string>("--def") { Description = "The cohort definition file (data-schemas/cohort.schema.json), or - for standard input", Required = true };
        var disclosure = new DisclosureOptions("The project the extract is for; its pseudonyms are its own", projectRequired: true);
        var keyFile = new Option<string>("--key-file")
        {
            Description = "The project key (at least 32 random bytes); created with owner-only permissions when missing",
            Required = true,
        };
        var tables = new Option<string>("--tables") { Description = "The tables to extract, comma-separated (receipts,diagnoses,drugs,…)", Required = true };
        var format = new Option<string>("--format") { Description = "parquet, arrow or csv", DefaultValueFactory = _ => "parquet" };
        format.AcceptOnlyFromAmong([.. ExtractFormats.Names]);
        var output = CommonOptions.Out("The folder to write OUT/<table>.<format> and OUT/manifest.json into");
        var command = new Command("extract", "Extract every row of the chosen tables for a cohort's patients, pseudonymised for a project (of a dataset, or of a split dataset through its cluster)")
        {
            data, period, definition, keyFile, tables, format, output,
        };
        cluster.AddTo(command);
        disclosure.AddTo(command);
        command.SetAction(parse =>
        {
            var json = CommonOptions.ReadText(parse.GetValue(definition)!, input, "--def");
            var tableNames = parse.GetValue(tables)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var stopwatch = new Stopwatch();
            var manifest = cluster.Chosen(parse, data)
                ? cluster.Run(parse, parse.GetValue(period), split =>
                {
                    CohortExtract.CheckTables(split, tableNames);
                    var cohort = split.BuildCohort(json);
                    var request = Request();
                    CohortDisclosure.ApproveExtract(split, cohort, disclosure.Request(parse, split.Manifest.Access, split.Directory, json));
                    stopwatch.Start();
                    return CohortExtract.Write(split, cohort, request);
                })
                : OnThisMachine();
            var rows = manifest.Files.Sum(f => f.Rows);
            console.MarkupLineInterpolated(
                $"wrote {manifest.Files.Count} files, {rows:N0} rows for {manifest.Cohort.Size:N0} patients of cohort {manifest.Cohort.Name} to {Path.GetFullPath(parse.GetValue(output)!)} in {stopwatch.Elapsed.TotalSeconds:F1} s");
            foreach (var file in manifest.Files) console.MarkupLineInterpolated($"  {file.File}: {file.Rows:N0} rows, {file.Bytes:N0} bytes");
            return 0;

            ExtractManifest OnThisMachine()
            {
                using var opened = Dataset.Open(parse.GetValue(data)!);
                var dataset = CommonOptions.InPeriod(opened, parse.GetValue(period));
                CohortExtract.CheckTables(dataset, tableNames);
                var cohort = dataset.BuildCohort(CohortParser.Parse(json, dataset.Schema));
                var request = Request();
                CohortDisclosure.ApproveExtract(dataset, cohort, disclosure.Request(parse, dataset, json));
                stopwatch.Start();
                return CohortExtract.Write(dataset, cohort, request);
            }

            // The key is read (or made) once the cohort is built: a definition that does not parse leaves no key behind.
            ExtractRequest Request()
            {
                var keyPath = parse.GetValue(keyFile)!;
                var key = ProjectKey.ReadOrCreate(keyPath, out var created);
                if (created) error.WriteLine($"created a new project key in '{Path.GetFullPath(keyPath)}' (readable by its owner only); keep it to extract again with the same pseudonyms");
                return new ExtractRequest
                {
                    Project = parse.GetValue(disclosure.Project)!, Key = key, Tables = tableNames, Format = ExtractFormats.Parse(parse.GetValue(format)!),
                    OutDirectory = parse.GetValue(output)!, CohortDefinitionJson = json,
                };
            }
        });
        return command;
    }
}
