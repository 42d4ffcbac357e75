using System.Text.RegularExpressions;

namespace Claims.Engine.Storage;

/// <summary>
/// The publishing protocol every writer of a dataset follows, in one place: take the lock file, stage files in a
/// fresh gNNNNNN.tmp, rename it to gNNNNNN, replace manifest.json by an atomic rename, then remove the other
/// generations. A crash between any two steps leaves the previous manifest and the generation it names intact.
/// </summary>
internal static partial class GenerationFolders
{
    public const string LockFile = ".lock";

    /// <summary>The dataset's writer lock; FileShare.None takes an exclusive advisory lock on Unix, released by the OS if the writer dies.</summary>
    public static FileStream Lock(string directory)
    {
        try
        {
            return new FileStream(Path.Combine(directory, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new ClaimsException($"another writer is writing the dataset at '{directory}'", e);
        }
    }

    /// <summary>The name after the highest generation present, staged or published, so a leftover is never reused.</summary>
    public static string Next(string directory)
    {
        var next = Directory.EnumerateDirectories(directory)
            .Select(d => GenerationName().Match(Path.GetFileName(d)))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value))
            .DefaultIfEmpty(0)
            .Max() + 1;
        return $"g{next:D6}";
    }

    public static string Staging(string directory, string generation) => Path.Combine(directory, generation + ".tmp");

    public static bool IsGeneration(string name) => GenerationName().IsMatch(name);

    /// <summary>
    /// Publishes the staged generation, then removes what is stale: the end of every writer's commit. The previous
    /// generation is read from the manifest before it is replaced, so it survives the cleanup.
    /// </summary>
    /// <param name="published">Runs once the manifest is replaced: from then on the writer has nothing to undo.</param>
    public static void Commit(string directory, string generation, DatasetManifest manifest, IProgress<WriteStage>? progress, Action published)
    {
        var previous = Current(directory);
        Publish(directory, generation, manifest, progress);
        published();
        progress?.Report(WriteStage.Published);
        RemoveStale(directory, generation, previous);
        progress?.Report(WriteStage.Cleaned);
    }

    /// <summary>Renames the staged folder into place, then makes it the dataset by replacing the manifest (the last step).</summary>
    private static void Publish(string directory, string generation, DatasetManifest manifest, IProgress<WriteStage>? progress)
    {
        Directory.Move(Staging(directory, generation), Path.Combine(directory, generation));
        DirectorySync.Flush(directory);
        progress?.Report(WriteStage.Renamed);
        var manifestPath = Path.Combine(directory, DatasetManifest.FileName);
        var temporary = manifestPath + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(manifest.ToJson());
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, manifestPath, overwrite: true);
        DirectorySync.Flush(directory);
    }

    /// <summary>
    /// Removes leftovers of writers that died and every generation older than the previous one. The previous
    /// generation stays until the next write, because readers that opened it map column files lazily and must
    /// still find them; a reader would have to stay open across two publications to lose its files.
    /// </summary>
    private static void RemoveStale(string directory, string current, string? previous)
    {
        foreach (var folder in Directory.EnumerateDirectories(directory))
        {
            var name = Path.GetFileName(folder);
            if (name != current && name != previous && IsGeneration(name)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The generation the current manifest names, before it is replaced; null for a new dataset.</summary>
    private static string? Current(string directory)
    {
        try
        {
            return File.Exists(Path.Combine(directory, DatasetManifest.FileName)) ? DatasetManifest.Read(directory).Generation : null;
        }
        catch (StoreException)
        {
            // A damaged manifest names nothing worth keeping; the new version replaces it.
            return null;
        }
    }

    [GeneratedRegex(@"^g(\d{6})(\.tmp)?$")]
    private static partial Regex GenerationName();
}
