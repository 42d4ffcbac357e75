using System.Runtime.InteropServices;

namespace Claims.Engine.Storage;

/// <summary>
/// fsync(2) on a directory, so that a rename inside it survives a power loss, not only a killed process: without
/// it the manifest's rename can be lost while the old generation is already gone. .NET has no API for this.
/// Best effort: where the platform cannot (Windows), the renames are still atomic against crashes.
/// </summary>
public static partial class DirectorySync
{
    private const int ReadOnly = 0;

    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        var fd = Open(directory, ReadOnly);
        if (fd < 0) return;
        try
        {
            Fsync(fd);
        }
        finally
        {
            Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
