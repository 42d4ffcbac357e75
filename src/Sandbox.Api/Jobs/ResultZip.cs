using System.IO.Compression;
using Claims.Engine.Storage;

namespace Claims.Sandbox.Jobs;

/// <summary>
/// Packs a job's finished files into its one result zip, in the order given (an extract's tables, then its
/// manifest). Written to NAME.tmp, flushed to disk, then renamed, so NAME exists only complete; a crash leaves at
/// most the .tmp, which the rerun deletes with the job's folder.
/// </summary>
public static class ResultZip
{
    public static void Write(string folder, IEnumerable<string> names, string path, int throttleMs, CancellationToken cancellation)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
        {
            using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var name in names)
                {
                    if (throttleMs > 0) cancellation.WaitHandle.WaitOne(throttleMs);
                    cancellation.ThrowIfCancellationRequested();
                    zip.CreateEntryFromFile(Path.Combine(folder, name), name, CompressionLevel.Fastest);
                }
            }
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path);
        DirectorySync.Flush(Path.GetDirectoryName(path)!);
    }
}
