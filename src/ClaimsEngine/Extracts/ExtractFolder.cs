using System.Security.Cryptography;
using Claims.Engine.Storage;

namespace Claims.Engine.Extracts;

/// <summary>
/// The OUT folder of an extract. Files are written into OUT/.extract-&lt;pid&gt;.tmp and moved into place only when
/// every table is written; manifest.json goes last, so an extract is complete exactly when its manifest exists
/// (a crash leaves either no manifest or the old extract's, which is removed first). The folder may hold only
/// what an extract writes (the manifest, &lt;table&gt;.parquet|.arrow|.csv and stale staging folders); anything else
/// is someone's work, and the extract refuses to write beside it.
/// </summary>
internal sealed class ExtractFolder : IDisposable
{
    private const string StagingPrefix = ".extract-";
    public const string ManifestName = "manifest.json";

    private readonly HashSet<string> _ours;

    private ExtractFolder(string directory, HashSet<string> ours)
    {
        Directory = directory;
        _ours = ours;
        Staging = Path.Combine(directory, $"{StagingPrefix}{Environment.ProcessId}.tmp");
    }

    public string Directory { get; }
    public string Staging { get; }

    public static ExtractFolder Prepare(string outDirectory, IEnumerable<string> knownTables)
    {
        var directory = Path.GetFullPath(outDirectory);
        if (File.Exists(directory)) throw new ClaimsException($"'{directory}' is a file, not a folder for an extract");
        System.IO.Directory.CreateDirectory(directory);
        var ours = knownTables.SelectMany(t => ExtractFormats.Names.Select(f => $"{t}.{f}")).Append(ManifestName).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in System.IO.Directory.EnumerateFileSystemEntries(directory))
        {
            var name = Path.GetFileName(entry);
            var isStaging = name.StartsWith(StagingPrefix, StringComparison.Ordinal) && name.EndsWith(".tmp", StringComparison.Ordinal) && System.IO.Directory.Exists(entry);
            if (!isStaging && !(ours.Contains(name) && File.Exists(entry)))
                throw new ClaimsException($"'{entry}' is not an extract file; extract into an empty folder or one holding only an earlier extract");
        }
        foreach (var stale in System.IO.Directory.EnumerateDirectories(directory, StagingPrefix + "*.tmp")) System.IO.Directory.Delete(stale, recursive: true);
        System.IO.Directory.CreateDirectory(Path.Combine(directory, $"{StagingPrefix}{Environment.ProcessId}.tmp"));
        return new ExtractFolder(directory, ours);
    }

    /// <summary>Flushes a staged file to disk and returns its size and SHA-256.</summary>
    public (long Bytes, string Sha256) Seal(string fileName)
    {
        using var stream = new FileStream(Path.Combine(Staging, fileName), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        var hash = SHA256.HashData(stream);
        stream.Flush(flushToDisk: true);
        return (stream.Length, Convert.ToHexStringLower(hash));
    }

    /// <summary>Replaces whatever extract was here with the staged files, the manifest last.</summary>
    public void Publish(IReadOnlyList<string> fileNames, byte[] manifest)
    {
        var manifestPath = Path.Combine(Directory, ManifestName);
        File.Delete(manifestPath);
        DirectorySync.Flush(Directory);
        foreach (var old in System.IO.Directory.EnumerateFiles(Directory).Where(f => _ours.Contains(Path.GetFileName(f)))) File.Delete(old);
        foreach (var name in fileNames) File.Move(Path.Combine(Staging, name), Path.Combine(Directory, name));
        var staged = Path.Combine(Staging, ManifestName);
        using (var stream = new FileStream(staged, FileMode.CreateNew, FileAccess.Write))
        {
            stream.Write(manifest);
            stream.Flush(flushToDisk: true);
        }
        DirectorySync.Flush(Directory);
        File.Move(staged, manifestPath);
        DirectorySync.Flush(Directory);
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Staging)) System.IO.Directory.Delete(Staging, recursive: true);
    }
}
