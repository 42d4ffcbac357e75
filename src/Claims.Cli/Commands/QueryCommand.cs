using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Apache.Arrow;
using Claims.Cluster.Coordinator;
using Claims.Cluster.Hosting;
using Claims.Engine.Extracts;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Storage;
using Spectre.Console;

namespace Claims.Cli.Commands;

/// <summary>`claims query`: run a JSON query (a file, or - for standard input) and print the result.</summary>
internal static class QueryCommand
{
    public static Command Create(IAnsiConsole console, TextReader input, TextWriter error)
    {
        var data = CommonOptions.Data();
        data.Required = false;
        var period = CommonOptions.Period();
        var cluster = new ClusterTarget();
        var query = new Option<string>("--query") { Description = "The query file, or - to read it from standard input", Required = true };
        var format = new Option<string>("--format") { Description = "table, json or csv", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "csv");
        var execution = new ExecutionFlags();
        var disclosure = new DisclosureOptions();
        var command = new Command("query", "Run a JSON query over a dataset, or over a split dataset through its cluster") { data, period, query, format };
        execution.AddTo(command);
        cluster.AddTo(command);
        disclosure.AddTo(command);
        command.SetAction(parse =>
        {
            var json = CommonOptions.ReadText(parse.GetValue(query)!, input, "--query");
            var (result, restricted) = cluster.Chosen(parse, data)
                ? cluster.Run(parse, parse.GetValue(period), split => (DisclosureControl.Apply(split, json, disclosure.Request(parse, split.Manifest.Access, split.Directory, json)),
                    split.Manifest.Access == DatasetAccess.Restricted))
                : OnThisMachine(parse.GetValue(data)!);
            var writer = console.Profile.Out.Writer;
            switch (parse.GetValue(format))
            {
                case "csv":
                    WriteCsv(writer, result);
                    // The rules go beside the CSV, not into it, so the file stays a plain table.
                    foreach (var rule in result.Rules) error.WriteLine($"rule: {rule}");
                    break;
                case "json" when restricted: writer.WriteLine(JsonSerializer.Serialize(new { rows = Rows(result.Batch), suppressed = result.Suppressed, rules = result.Rules }, CliJson.Options)); break;
                case "json": writer.WriteLine(JsonSerializer.Serialize(Rows(result.Batch), CliJson.Options)); break;
                default: WriteTable(console, result); break;
            }
            return 0;

            (DisclosedResult, bool) OnThisMachine(string directory)
            {
                using var opened = Dataset.Open(directory);
                var dataset = CommonOptions.InPeriod(opened, parse.GetValue(period));
                var model = QueryParser.Parse(json, dataset.Schema);
                return (DisclosureControl.Apply(dataset, model, disclosure.Request(parse, dataset, json), execution.Options(parse)),
                    dataset.Manifest.Access == DatasetAccess.Restricted);
            }
        });
        return command;
    }

    public static IEnumerable<Dictionary<string, object?>> Rows(RecordBatch batch)
    {
        for (var r = 0; r < batch.Length; r++)
        {
            var row = new Dictionary<string, object?>();
            for (var c = 0; c < batch.ColumnCount; c++) row[batch.Schema.FieldsList[c].Name] = ArrowValues.Value(batch.Column(c), r);
            yield return row;
        }
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Each row's cells as text, a suppressed cell as its marker (distinct from 0 and from an empty NULL).</summary>
    private static IEnumerable<string[]> Texts(DisclosedResult result)
    {
        var names = result.Batch.Schema.FieldsList.Select(f => f.Name).ToArray();
        return Rows(result.Batch).Select((row, r) => row.Values.Select((value, c) => result.IsSuppressed(r, names[c]) ? DisclosurePolicy.Marker : Text(value)).ToArray());
    }

    private static void WriteCsv(TextWriter writer, DisclosedResult result)
    {
        writer.WriteLine(string.Join(",", result.Batch.Schema.FieldsList.Select(f => CsvField.Quote(f.Name))));
        foreach (var row in Texts(result)) writer.WriteLine(string.Join(",", row.Select(CsvField.Quote)));
    }

    private static void WriteTable(IAnsiConsole console, DisclosedResult result)
    {
        var table = new Spectre.Console.Table();
        foreach (var field in result.Batch.Schema.FieldsList) table.AddColumn(Markup.Escape(field.Name));
        foreach (var row in Texts(result)) table.AddRow(row.Select(Markup.Escape).ToArray());
        console.Write(table);
        console.MarkupLineInterpolated($"{result.Batch.Length} rows");
        foreach (var rule in result.Rules) console.MarkupLineInterpolated($"{rule}");
    }
}
