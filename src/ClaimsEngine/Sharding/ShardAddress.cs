using System.Security.Cryptography;
using Claims.Engine.Storage;

namespace Claims.Engine.Sharding;

/// <summary>
/// One shard as a coordinator addresses it: its dataset folder (as every host sees it) and the SHA-256 of the
/// manifest the coordinator checked. A host answers only from a dataset whose manifest still has that hash, so a
/// folder split again while hosts keep it open is never scanned for the new split's questions, nor the new data for the old's.
/// </summary>
public sealed record ShardAddress(string Directory, string ManifestSha256)
{
    /// <summary>The address as one string (an Orleans grain key): the folder, then the hash after the last '#'.</summary>
    public string Key => $"{Directory}#{ManifestSha256}";

    public static ShardAddress Parse(string key)
    {
        var hash = key.LastIndexOf('#');
        return hash > 0 && key.Length - hash - 1 == 64
            ? new ShardAddress(key[..hash], key[(hash + 1)..])
            : throw new ClaimsException("a shard's address is its folder, '#' and its manifest's SHA-256");
    }

    /// <summary>The SHA-256 of a dataset folder's manifest, in lower-case hex.</summary>
    public static string ManifestHashOf(string directory) =>
        Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(directory, DatasetManifest.FileName))));

    /// <summary>Opens the dataset here, refusing it when its manifest is no longer the one addressed.</summary>
    public Dataset Open()
    {
        // Hashed before and after it is read: a manifest swapped in between does not pass for the one addressed.
        var before = ManifestHashOf(Directory);
        var dataset = Dataset.Open(Directory);
        if (before == ManifestSha256 && ManifestHashOf(Directory) == ManifestSha256) return dataset;
        dataset.Dispose();
        throw new ClaimsException($"shard {Path.GetFileName(Directory)} changed since its coordinator read it (split again?): open the cluster again");
    }

    public override string ToString() => Path.GetFileName(Directory);
}
