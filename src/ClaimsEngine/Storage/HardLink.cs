using System.Runtime.InteropServices;

namespace Claims.Engine.Storage;

/// <summary>
/// Hard links for a new generation's unchanged column files: both generations then name the same inode, so a
/// rewrite costs no copy and removing the old generation frees nothing the new one uses. .NET has no hard-link
/// API, so this calls link(2); where that fails (another file system, Windows) the file is copied and flushed.
/// </summary>
internal static partial class HardLink
{
    /// <summary>Makes <paramref name="destination"/> a link to (or a durable copy of) <paramref name="source"/>; true if linked.</summary>
    public static bool LinkOrCopy(string source, string destination)
    {
        if (!OperatingSystem.IsWindows() && Link(source, destination) == 0) return true;
        using (var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read))
        using (var to = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            from.CopyTo(to);
            to.Flush(flushToDisk: true);
        }
        return false;
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existing, string created);
}
