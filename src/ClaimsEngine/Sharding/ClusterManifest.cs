using System.Text.Json;
using Claims.Engine.Storage;

namespace Claims.Engine.Sharding;

/// <summary>One shard of a cluster: its dataset's folder (relative to the cluster's) and its rows by table.</summary>
public sealed record ShardEntry(string Path, IReadOnlyDictionary<string, long> Rows);

/// <summary>
/// cluster.json: the shards a dataset was split into, the split rule, and the hash of the source's manifest (which
/// lists every column file's checksum), so a cluster can tell which data its shards hold. Written last, by rename.
/// </summary>
public sealed record ClusterManifest(int FormatVersion, string SourceManifestSha256, string Rule, DatasetAccess Access, IReadOnlyList<ShardEntry> Shards)
{
    public const string FileName = "cluster.json";
    public const int CurrentFormatVersion = 1;

    public static ClusterManifest Read(string directory)
    {
        var path = System.IO.Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new StoreException(path, $"no cluster here; write one with `claims shard`");
        ClusterManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ClusterManifest>(File.ReadAllBytes(path), DatasetManifest.Json);
        }
        catch (JsonException e)
        {
            throw new StoreException(path, $"not a cluster manifest ({e.Message})");
        }
        if (manifest is null) throw new StoreException(path, "empty");
        if (manifest.Shards is null || manifest.SourceManifestSha256 is null || manifest.Shards.Any(s => s is null || s.Path is null || s.Rows is null))
            throw new StoreException(path, "a cluster manifest names its source's hash and every shard with its path and rows");
        if (manifest.FormatVersion != CurrentFormatVersion)
            throw new StoreException(path, $"cluster format {manifest.FormatVersion}; this build reads format {CurrentFormatVersion}");
        return manifest;
    }

    /// <summary>The shards' datasets, opened (each checks its own manifest and files as any dataset does) under <paramref name="schema"/> (the default schema where not given).</summary>
    public IReadOnlyList<Dataset> Open(string directory, Schema.ClaimsSchema? schema = null) =>
        [.. Shards.Select(s => Dataset.Open(System.IO.Path.Combine(directory, s.Path), schema: schema))];

    internal static string HashOf(Dataset dataset) => ShardAddress.ManifestHashOf(dataset.Directory);

    internal void Write(string directory)
    {
        var path = System.IO.Path.Combine(directory, FileName);
        File.WriteAllBytes(path + ".tmp", JsonSerializer.SerializeToUtf8Bytes(this, DatasetManifest.Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
