using System.Diagnostics;
using Claims.Engine.Storage;
using Claims.Testing;

namespace Claims.Engine.Tests.Storage;

public class CrashTests
{
    public static RandomDataset Source(int seed) => new() { Seed = seed, Months = 2, RowsPerPartition = 3_000, BatchRows = 250 };

    public static DatasetProvenance Provenance(int seed) =>
        new(true, "tests: crash writer", new Dictionary<string, string> { ["seed"] = seed.ToString() });

    [Fact]
    public void A_writer_killed_at_any_point_leaves_the_previous_dataset_or_the_new_one_intact()
    {
        using var temp = new TempDirectory();
        var expected = new Dictionary<int, RandomDataset>();
        var first = Source(1000);
        first.Write(temp.Path, new DatasetWriteOptions { Provenance = Provenance(1000) });
        expected[1000] = first;
        var batches = 7 * 2 * (3_000 / 250);
        // Each publishing stage once, then random batches: every window of the write is hit, in a fixed order.
        string[] stages = ["Sealing", "Sealed", "Renamed", "Published", "Cleaned"];
        var random = new Random(20261126);
        // Batches past the first partition (12 batches), by when a partition's buffered column data has reached the disk.
        var targets = stages.Concat(Enumerable.Range(0, 5).Select(_ => $"batch {random.Next(13, batches + 1)}")).ToArray();
        var committed = 1000;

        for (var i = 0; i < targets.Length; i++)
        {
            var seed = 2000 + i;
            Action? atKill = targets[i].StartsWith("batch", StringComparison.Ordinal) ? () => AssertPartiallyStaged(temp.Path) : null;
            Assert.True(RunUntil(temp.Path, seed, targets[i], atKill: atKill), $"the writer never printed '{targets[i]}'");
            using var dataset = Dataset.Open(temp.Path, ChecksumVerification.AtOpen);
            var found = int.Parse(dataset.Manifest.Provenance.Parameters["seed"]);
            Assert.True(found == committed || found == seed, $"kill at '{targets[i]}': found seed {found}, expected {committed} or {seed}");
            // The manifest is swapped before "Published" is printed, so a kill after it must find the new dataset.
            if (targets[i] is "Published" or "Cleaned") Assert.Equal(seed, found);
            if (!expected.ContainsKey(found))
            {
                var source = Source(found);
                using var scratch = new TempDirectory();
                source.Write(scratch.Path);
                expected[found] = source;
            }
            StoreAssert.HoldsExactly(dataset, expected[found]);
            committed = found;
        }

        // The kills left staged generations: the next writer's commit removes them and every generation but the
        // new one and the one it replaced (which readers may still have open).
        Assert.NotEmpty(Directory.GetDirectories(temp.Path, "g*.tmp"));
        var replaced = DatasetManifest.Read(temp.Path).Generation;
        var manifest = Source(3000).Write(temp.Path, new DatasetWriteOptions { Provenance = Provenance(3000) });
        Assert.Equal([replaced, manifest.Generation], Directory.GetDirectories(temp.Path, "g*").Select(Path.GetFileName).Order());
    }

    /// <summary>
    /// The kill lands mid-write: the new generation is staged in gNNNNNN.tmp, fewer of its partitions exist than the
    /// finished dataset has (14), some column data has reached the disk, and every column file is still held open by
    /// the writer (FileShare.None), so none is sealed: sealing closes them at the commit.
    /// </summary>
    private static void AssertPartiallyStaged(string directory)
    {
        // Earlier kills' leftovers stay until this writer's commit cleans up: the newest is this writer's.
        var staged = Directory.GetDirectories(directory, "g*.tmp").Max(StringComparer.Ordinal)!;
        var partitions = Directory.GetDirectories(staged).SelectMany(Directory.GetDirectories).ToArray();
        Assert.InRange(partitions.Length, 1, 13);
        var files = Directory.GetFiles(staged, "*.col", SearchOption.AllDirectories);
        Assert.Contains(files, f => new FileInfo(f).Length > 0);
        foreach (var file in files) Assert.Throws<IOException>(() => File.OpenRead(file).Dispose());
    }

    /// <summary>
    /// Runs the child writer (or, with another verb, rewriter) and kills it while it waits after printing
    /// <paramref name="target"/>, so the kill lands exactly there; <paramref name="atKill"/> checks the state on disk
    /// first. False if the child never printed the target.
    /// </summary>
    internal static bool RunUntil(string directory, int seed, string target, string verb = CrashWriterProgram.Verb, Action? atKill = null) =>
        RunUntil([verb, directory, seed.ToString()], target, atKill);

    /// <summary>The same for a child started with any <paramref name="args"/>.</summary>
    internal static bool RunUntil(string[] args, string target, Action? atKill)
    {
        var start = ChildProgram.StartInfo(args);
        using var child = Process.Start(start)!;
        string? line;
        while ((line = child.StandardOutput.ReadLine()) is not null)
        {
            if (line == "done") break;
            if (line == target)
            {
                try
                {
                    atKill?.Invoke();
                }
                finally
                {
                    child.Kill(entireProcessTree: true);
                    child.WaitForExit();
                }
                return true;
            }
            child.StandardInput.WriteLine();
        }
        child.WaitForExit();
        Assert.True(child.ExitCode == 0, $"child writer failed: {child.StandardError.ReadToEnd()}");
        return false;
    }
}
