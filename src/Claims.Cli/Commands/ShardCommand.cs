using System.CommandLine;
using System.Globalization;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;
using Spectre.Console;

namespace Claims.Cli.Commands;

/// <summary>`claims shard`: a linked dataset split by patient into shard datasets and a cluster manifest.</summary>
internal static class ShardCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var data = CommonOptions.Data();
        var output = CommonOptions.Out("The folder to write the shards and cluster.json into (new or empty)");
        var shards = new Option<int>("--shards") { Description = $"How many shards (1 to {DatasetShards.MaxShards})", Required = true };
        var command = new Command("shard", "Split a linked dataset by patient into shard datasets (a patient never crosses shards) and a cluster manifest naming them") { data, output, shards };
        command.SetAction(parse =>
        {
            using var dataset = Dataset.Open(parse.GetValue(data)!);
            var summary = DatasetShards.Write(dataset, parse.GetValue(output)!, parse.GetValue(shards));
            Render(console, summary, Path.GetFullPath(parse.GetValue(output)!));
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Rows per shard and table, exact: splitting is the custodian's work on the files themselves, whose manifests
    /// (and `claims info`) hold the same counts, so a marker here would hide nothing.
    /// </summary>
    private static void Render(IAnsiConsole console, ShardSummary summary, string output)
    {
        var tables = summary.Manifest.Shards[0].Rows.Keys.ToArray();
        var table = new Table().AddColumns(["shard", .. tables]);
        foreach (var shard in summary.Manifest.Shards)
            table.AddRow([shard.Path, .. tables.Select(t => shard.Rows[t].ToString("N0", CultureInfo.InvariantCulture))]);
        console.Write(table);
        console.MarkupLineInterpolated($"wrote {summary.Manifest.Shards.Count} shards and {ClusterManifest.FileName} to {output} in {summary.Elapsed.TotalSeconds:F1} s");
    }
}
