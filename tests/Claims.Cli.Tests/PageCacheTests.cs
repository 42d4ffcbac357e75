using Claims.Cli.Bench;
using Claims.Testing;

namespace Claims.Cli.Tests;

/// <summary>The kernel's count of bytes read is per process: no other test may read from the disk meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DiskAccounting
{
    public const string Name = "disk accounting";
}

[Collection(DiskAccounting.Name)]
public class PageCacheTests
{
    [Fact]
    public void An_evicted_file_is_read_from_the_disk_again_and_a_cached_one_is_not()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("column.bin");
        var bytes = new byte[8 << 20];
        new Random(1).NextBytes(bytes);
        using (var stream = new FileStream(path, FileMode.CreateNew))
        {
            stream.Write(bytes);
            // Dirty pages stay in the cache whatever one advises: they must be on the disk first.
            stream.Flush(flushToDisk: true);
        }
        Assert.Equal(bytes, File.ReadAllBytes(path));

        var before = PageCache.BytesRead();
        File.ReadAllBytes(path);
        Assert.True(PageCache.BytesRead() - before < bytes.Length / 2, "a cached file was read from the disk");

        PageCache.Evict([path]);
        before = PageCache.BytesRead();
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.True(PageCache.BytesRead() - before >= bytes.Length, "an evicted file was served from the cache");
    }

    [Fact]
    public void A_file_that_cannot_be_opened_is_named()
    {
        using var temp = new TempDirectory();
        Assert.Throws<FileNotFoundException>(() => PageCache.Evict([temp.Combine("gone.col")]));
    }
}
