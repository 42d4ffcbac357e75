using System.CommandLine;
using System.Text.Json;
using Claims.Engine.Storage;
using Spectre.Console;

namespace Claims.Cli.Commands;

/// <summary>`claims info`: tables, partitions, row counts, bytes on disk and provenance of a dataset.</summary>
internal static class InfoCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var data = CommonOptions.Data();
        var json = CommonOptions.Json();
        var verify = new Option<bool>("--verify") { Description = "Checksum every file now instead of on first use" };
        var command = new Command("info", "Describe a dataset: tables, partitions, rows, bytes and provenance") { data, json, verify };
        command.SetAction(parse =>
        {
            using var dataset = Dataset.Open(parse.GetValue(data)!,
                parse.GetValue(verify) ? ChecksumVerification.AtOpen : ChecksumVerification.OnFirstUse);
            var info = DatasetInfo.Of(dataset);
            if (parse.GetValue(json))
                console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(info, CliJson.Options));
            else
                Render(console, info);
            return 0;
        });
        return command;
    }

    private static void Render(IAnsiConsole console, DatasetInfo info)
    {
        console.MarkupLineInterpolated($"[bold]{info.Directory}[/]  generation {info.Generation}, created {info.CreatedAt:u}");
        console.MarkupLineInterpolated($"synthetic: {info.Provenance.Synthetic}   access: {info.Access}   source: {info.Provenance.Source}");
        foreach (var (key, value) in info.Provenance.Parameters) console.MarkupLineInterpolated($"  {key} = {value}");
        var grid = new Table().AddColumns("table", "partitions", "first", "last", "rows", "bytes");
        foreach (var t in info.Tables)
        {
            grid.AddRow(t.Name, t.Partitions.Count.ToString(), t.Partitions.FirstOrDefault()?.Month.ToString() ?? "-",
                t.Partitions.LastOrDefault()?.Month.ToString() ?? "-", t.Rows.ToString("N0"), Size(t.Bytes));
        }
        grid.AddRow("[bold]total[/]", "", "", "", info.Rows.ToString("N0"), Size(info.Bytes));
        console.Write(grid);
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F2} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F1} MiB",
        _ => $"{bytes / 1024.0:F1} KiB",
    };
}

/// <summary>The JSON shape of `claims info --json`.</summary>
public sealed record DatasetInfo(
    string Directory,
    string Generation,
    DateTimeOffset CreatedAt,
    string SchemaHash,
    DatasetAccess Access,
    DatasetProvenance Provenance,
    long Rows,
    long Bytes,
    IReadOnlyList<TableInfo> Tables)
{
    public static DatasetInfo Of(Dataset dataset)
    {
        var m = dataset.Manifest;
        var tables = dataset.Tables.Select(t => new TableInfo(t.Name, t.RowCount, t.Bytes,
            t.Partitions.Select(p => new PartitionInfo(p.Key, p.RowCount, p.Bytes)).ToArray())).ToArray();
        return new DatasetInfo(dataset.Directory, m.Generation, m.CreatedAt, m.SchemaHash, m.Access, m.Provenance,
            dataset.RowCount, dataset.Bytes, tables);
    }
}

public sealed record TableInfo(string Name, long Rows, long Bytes, IReadOnlyList<PartitionInfo> Partitions);

public sealed record PartitionInfo(int Month, long Rows, long Bytes);
