using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Apache.Arrow;
using Claims.Engine.Extracts;
using Claims.Engine.Query;
using Claims.Engine.Storage;
using Spectre.Console;

namespace Claims.Cli.Commands;

/// <summary>`claims query`: run a JSON query (a file, or - for standard input) and print the result.</summary>
internal static class QueryCommand
{
    public static Command Create(IAnsiConsole console, TextReader input)
    {
        var data = CommonOptions.Data();
        var query = new Option<string>("--query") { Description = "The query file, or - to read it from standard input", Required = true };
        var format = new Option<string>("--format") { Description = "table, json or csv", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "csv");
        var command = new Command("query", "Run a JSON query over a dataset") { data, query, format };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(query)!;
            var json = path == "-" ? input.ReadToEnd() : File.Exists(path) ? File.ReadAllText(path) : throw new Engine.ClaimsException($"--query: no file '{path}'");
            using var dataset = Dataset.Open(parse.GetValue(data)!);
            var result = dataset.Execute(json);
            var writer = console.Profile.Out.Writer;
            switch (parse.GetValue(format))
            {
                case "csv": WriteCsv(writer, result); break;
                case "json": writer.WriteLine(JsonSerializer.Serialize(Rows(result), CliJson.Options)); break;
                default: WriteTable(console, result); break;
            }
            return 0;
        });
        return command;
    }

    public static IEnumerable<Dictionary<string, object?>> Rows(RecordBatch batch)
    {
        for (var r = 0; r < batch.Length; r++)
        {
            var row = new Dictionary<string, object?>();
            for (var c = 0; c < batch.ColumnCount; c++) row[batch.Schema.FieldsList[c].Name] = Value(batch.Column(c), r);
            yield return row;
        }
    }

    private static object? Value(IArrowArray array, int row) => array.IsNull(row)
        ? null
        : array switch
        {
            StringArray s => s.GetString(row),
            DoubleArray d => d.GetValue(row),
            Int64Array i => i.GetValue(row),
            Date32Array date => date.GetDateOnly(row),
            BooleanArray b => b.GetValue(row),
            _ => throw new InvalidOperationException(array.GetType().Name),
        };

    private static string Text(object? value) => value switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static void WriteCsv(TextWriter writer, RecordBatch batch)
    {
        writer.WriteLine(string.Join(",", batch.Schema.FieldsList.Select(f => CsvField.Quote(f.Name))));
        foreach (var row in Rows(batch)) writer.WriteLine(string.Join(",", row.Values.Select(v => CsvField.Quote(Text(v)))));
    }

    private static void WriteTable(IAnsiConsole console, RecordBatch batch)
    {
        var table = new Spectre.Console.Table();
        foreach (var field in batch.Schema.FieldsList) table.AddColumn(Markup.Escape(field.Name));
        foreach (var row in Rows(batch)) table.AddRow(row.Values.Select(v => Markup.Escape(Text(v))).ToArray());
        console.Write(table);
        console.MarkupLineInterpolated($"{batch.Length} rows");
    }
}
