using System.Globalization;
using System.Runtime.InteropServices;
using Claims.Engine;

namespace Claims.Cli.Bench;

/// <summary>
/// The operating system's page cache, for a cold run: files are evicted one by one (no root, no other process's
/// cache dropped), and what a run really fetched from the disk is read from the kernel's count for this process.
/// </summary>
public static partial class PageCache
{
    private const int DontNeed = 4; // POSIX_FADV_DONTNEED on Linux

    /// <summary>
    /// Drops every cached page of <paramref name="files"/>. The kernel keeps a page some process still maps, so the
    /// engine's datasets must be disposed first; <see cref="BytesRead"/> around a run shows whether it held.
    /// </summary>
    public static void Evict(IEnumerable<string> files)
    {
        RequireLinux();
        foreach (var file in files)
        {
            using var handle = File.OpenHandle(file);
            var result = Fadvise((int)handle.DangerousGetHandle(), 0, 0, DontNeed);
            if (result != 0) throw new ClaimsException($"bench: cannot evict '{file}' from the page cache (posix_fadvise error {result})");
        }
    }

    /// <summary>Bytes this process has caused to be fetched from storage so far, all threads included (mapped pages too).</summary>
    public static long BytesRead()
    {
        RequireLinux();
        foreach (var line in File.ReadLines("/proc/self/io"))
            if (line.StartsWith("read_bytes:", StringComparison.Ordinal))
                return long.Parse(line.AsSpan("read_bytes:".Length).Trim(), CultureInfo.InvariantCulture);
        throw new ClaimsException("bench: /proc/self/io has no read_bytes line; a cold run needs the kernel's I/O accounting");
    }

    private static void RequireLinux()
    {
        if (!OperatingSystem.IsLinux()) throw new ClaimsException("bench: --cold evicts files from Linux's page cache and runs on Linux only");
    }

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int Fadvise(int fd, long offset, long length, int advice);
}
