using System.Diagnostics;
using System.Globalization;
using Claims.Engine.Cohorts;
using Claims.Engine.Storage;

namespace Claims.Engine.Sharding;

/// <summary>What a split wrote: the cluster's manifest and how long it took.</summary>
public sealed record ShardSummary(ClusterManifest Manifest, TimeSpan Elapsed);

/// <summary>
/// Splits a linked dataset into shards by patient (<see cref="ShardRule"/>), each an ordinary dataset in the store's
/// format with its own manifest and checksums (shard-00, shard-01, …), and writes cluster.json naming them, the rule
/// and the source's manifest hash last, so a folder with a cluster.json holds every shard whole. Patient ids stay
/// as linkage gave them, and each shard keeps the source's count of patients, so a shard's distinct patients are
/// a subset of the same numbering and the shards' partial aggregates merge into the source's answer; and its
/// source's cell key identity, so disclosure control keys a shard's records as the source's (<see cref="Privacy.RecordKeys"/>).
/// Partitions are written one at a time and sealed as they are done, and the source's are unmapped, so the open
/// files stay at a few partitions' columns however many shards and months there are.
/// </summary>
public static class DatasetShards
{
    public const int MaxShards = 1024;

    /// <summary>The provenance source of a shard, and the parameter naming the split it belongs to (its source's manifest hash).</summary>
    public const string ShardSource = "claims shard";
    internal const string SplitOf = "splitOf";
    private const int BatchRows = 65_536;

    public static ShardSummary Write(Dataset source, string output, int shards)
    {
        var stopwatch = Stopwatch.StartNew();
        if (shards is < 1 or > MaxShards) throw new ClaimsException($"--shards must be between 1 and {MaxShards}, not {shards}");
        // A shard's rows are one hash class of its source's patients; split again, its shards would claim to be a
        // whole split of a dataset they hold a part of.
        if (source.Manifest.Provenance.Source == ShardSource)
            throw new ClaimsException($"the dataset at '{source.Directory}' is itself a shard: split its source instead");
        if (!EventScan.IsLinked(source))
            throw new ClaimsException($"the dataset at '{source.Directory}' is not linked: shards split by patient; run `claims link --data {source.Directory}` first");
        output = Path.GetFullPath(output);
        if (output.TrimEnd(Path.DirectorySeparatorChar) == source.Directory.TrimEnd(Path.DirectorySeparatorChar))
            throw new ClaimsException("shards cannot be written over the dataset they are split from; choose another --out");
        Directory.CreateDirectory(output);
        if (Directory.EnumerateFileSystemEntries(output).FirstOrDefault() is { } found)
            throw new ClaimsException($"'{output}' is not empty (found '{Path.GetFileName(found)}'); shards go into an empty or new folder");

        var names = Enumerable.Range(0, shards).Select(s => string.Create(CultureInfo.InvariantCulture, $"shard-{s:D2}")).ToArray();
        var writers = names.Select((name, s) => DatasetWriter.Create(Path.Combine(output, name), new DatasetWriteOptions
        {
            Schema = source.Schema,
            Access = source.Manifest.Access,
            Provenance = Provenance(source, s, shards),
        })).ToArray();
        var rows = names.Select(_ => source.Tables.ToDictionary(t => t.Name, _ => 0L)).ToArray();
        try
        {
            // One partition a core: the thread pool would start more while they wait on the disk, each with its files open.
            var cores = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
            foreach (var table in source.Tables)
                Parallel.ForEach(table.Partitions, cores, partition =>
                {
                    var buckets = Buckets(ShardRule.Of(partition, shards), shards);
                    for (var s = 0; s < shards; s++)
                    {
                        var selected = buckets[s];
                        if (selected.Length == 0) continue;
                        Copy(partition, selected, writers[s].Partition(table.Name, partition.Key));
                        writers[s].Seal(table.Name, partition.Key);
                        lock (rows[s]) rows[s][table.Name] += selected.Length;
                    }
                    // Mapped again if anything reads it later; nothing holds a span of it now.
                    foreach (var column in partition.Columns) column.Dispose();
                });
            foreach (var writer in writers) writer.Commit();
        }
        finally
        {
            foreach (var writer in writers) writer.Dispose();
        }
        var manifest = new ClusterManifest(ClusterManifest.CurrentFormatVersion, ClusterManifest.HashOf(source), ShardRule.Text, source.Manifest.Access,
            [.. names.Select((name, s) => new ShardEntry(name, rows[s]))]);
        manifest.Write(output);
        return new ShardSummary(manifest, stopwatch.Elapsed);
    }

    /// <summary>Whether <paramref name="shards"/> are every shard of one split, each once, by their provenance.</summary>
    internal static bool IsWholeSplit(IReadOnlyList<DatasetProvenance> shards)
    {
        static int? Number(DatasetProvenance provenance, string name) =>
            provenance.Parameters.TryGetValue(name, out var text) && int.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value : null;
        // One split: the same source manifest behind each, so neither two splits of one count nor a shard split
        // again can stand in for each other.
        return shards.All(p => Number(p, "shards") == shards.Count)
               && shards.Select(p => p.Parameters.GetValueOrDefault(SplitOf)).Distinct().Count() == 1
               && shards[0].Parameters.ContainsKey(SplitOf)
               && shards.Select(p => Number(p, "shard")).Order().SequenceEqual(Enumerable.Range(0, shards.Count).Select(i => (int?)i));
    }

    /// <summary>Each shard's row numbers, in the partition's order.</summary>
    private static int[][] Buckets(int[] shardOf, int shards)
    {
        var counts = new int[shards];
        foreach (var s in shardOf) counts[s]++;
        var buckets = counts.Select(n => new int[n]).ToArray();
        System.Array.Clear(counts);
        for (var row = 0; row < shardOf.Length; row++) buckets[shardOf[row]][counts[shardOf[row]]++] = row;
        return buckets;
    }

    private static void Copy(DatasetPartition partition, int[] selected, PartitionWriter target)
    {
        var batch = new RowBatch(partition.Table, Math.Min(BatchRows, selected.Length));
        for (var start = 0; start < selected.Length; start += batch.Capacity)
        {
            batch.Clear();
            RowCopy.Into(batch, partition, selected.AsSpan(start, Math.Min(batch.Capacity, selected.Length - start)));
            target.Append(batch);
        }
    }

    private static DatasetProvenance Provenance(Dataset source, int shard, int shards)
    {
        var parameters = new Dictionary<string, string>(source.Manifest.Provenance.Parameters)
        {
            ["shard"] = shard.ToString(CultureInfo.InvariantCulture),
            ["shards"] = shards.ToString(CultureInfo.InvariantCulture),
            ["shardRule"] = ShardRule.Text,
            ["shardSource"] = source.Manifest.Provenance.Source,
            [SplitOf] = ClusterManifest.HashOf(source),
            [Privacy.RecordKeys.InheritedIdentity] = Privacy.RecordKeys.IdentityOf(source.Manifest),
        };
        return new DatasetProvenance(source.Manifest.Provenance.Synthetic, ShardSource, parameters);
    }
}
