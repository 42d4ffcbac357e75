using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Claims.Engine.Query;
using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.Sandbox.Datasets;

/// <summary>One table as GET /api/datasets/{ds}/tables lists it: enough to choose one, without its columns' details.</summary>
internal sealed record TableSummary(string Name, Text Description, string? Parent, int Columns);

/// <summary>
/// GET /api/datasets/{ds}/tables/{table}: a table's columns as the schema describes them, each with example values
/// (<see cref="ColumnExamples.Examples"/>) and how many of the month's rows hold each. <see cref="Month"/> is the
/// month the examples come from: the table's last, so a catalogue costs one month's scan, not the dataset's.
/// </summary>
internal sealed record TableCatalogue(string Dataset, string Table, Text Description, string? Parent, int? Month,
    IReadOnlyList<ColumnExamples> Columns, double ElapsedMs)
{
    /// <summary>Values shown per column: enough to see what a column holds, few enough to read at a glance.</summary>
    public const int ExamplesPerColumn = 5;

    /// <summary>
    /// The catalogue of <paramref name="table"/> with its examples asked of the engine: per column, a query of the
    /// month's rows grouped by the column, its most frequent values first. Identifying columns (ids, hashes) get none:
    /// an id says nothing about what the data holds, and grouping a month by every id is the costliest query there is.
    /// </summary>
    public static TableCatalogue Of(string ds, Dataset dataset, TableSchema table, CodeLabels names, LabelLanguage? language,
        CancellationToken token)
    {
        var stopwatch = Stopwatch.StartNew();
        var month = dataset.Manifest.Tables.Single(t => t.Name == table.Name).Partitions.Select(p => (int?)p.Key).Max();
        var columns = table.Columns.Select(column => new ColumnExamples(column.Name, column.Type.Name(), column.Nullable, column.Identifying,
            column.CodeSystem, column.Unit, column.Description,
            column.Identifying ? null : month is { } m ? Examples(dataset, table, column, m, names, language, token) : [])).ToArray();
        return new TableCatalogue(ds, table.Name, table.Description, table.ParentTable, month, columns,
            Math.Round(stopwatch.Elapsed.TotalMilliseconds, 3));
    }

    private static IReadOnlyList<ExampleValue> Examples(Dataset dataset, TableSchema table, ColumnSchema column, int month, CodeLabels names,
        LabelLanguage? language, CancellationToken token)
    {
        var query = QueryParser.Parse(ExampleQuery(table, column, month).ToJsonString(), dataset.Schema);
        var batch = dataset.Execute(query, token);
        var rows = Enumerable.Range(0, batch.Length).Select(r => new[] { ArrowValues.Value(batch.Column(0), r), ArrowValues.Value(batch.Column(1), r) })
            .ToArray();
        var labels = language is { } wanted ? names.Of(query, rows, wanted).GetValueOrDefault(column.Name) : null;
        return rows.Select(row => new ExampleValue(row[0], (long)row[1]!,
            labels?.GetValueOrDefault(Convert.ToString(row[0], CultureInfo.InvariantCulture)!))).ToArray();
    }

    /// <summary>
    /// The column's most frequent values among the month's rows that hold one. The partition column is counted over
    /// every month instead: within one it has a single value.
    /// </summary>
    private static JsonObject ExampleQuery(TableSchema table, ColumnSchema column, int month)
    {
        JsonNode held = new JsonObject { ["col"] = column.Name, ["isNull"] = false };
        var where = column == table.PartitionColumn
            ? held
            : new JsonObject { ["and"] = new JsonArray(new JsonObject { ["col"] = table.PartitionColumn.Name, ["eq"] = month }, held) };
        return new JsonObject
        {
            ["from"] = table.Name,
            ["where"] = where,
            ["groupBy"] = new JsonArray(column.Name),
            ["select"] = new JsonArray(new JsonObject { ["count"] = "*", ["as"] = "rows" }),
            ["orderBy"] = new JsonArray(new JsonObject { ["col"] = "rows", ["desc"] = true }),
            ["limit"] = ExamplesPerColumn,
        };
    }
}

/// <summary>
/// A column in a table's catalogue. <see cref="Examples"/> is null for an identifying column, which is given none;
/// empty when the table holds no rows.
/// </summary>
internal sealed record ColumnExamples(string Name, string Type, bool Nullable, bool Identifying, string? CodeSystem, string? Unit, Text Description,
    IReadOnlyList<ExampleValue>? Examples);

/// <summary>A value of a column, the rows of the month holding it, and its code's name when names were asked for (?labels=ja|en).</summary>
internal sealed record ExampleValue(object? Value, long Rows, string? Label);
