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
        var targets = stages.Concat(Enumerable.Range(0, 5).Select(_ => $"batch {random.Next(1, batches + 1)}")).ToArray();
        var committed = 1000;

        for (var i = 0; i < targets.Length; i++)
        {
            var seed = 2000 + i;
            Assert.True(RunUntil(temp.Path, seed, targets[i]), $"the writer never printed '{targets[i]}'");
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
    }

    /// <summary>Runs the child writer (or, with another verb, rewriter) and kills it after it prints <paramref name="target"/>, before the next line; false if it never printed it.</summary>
    internal static bool RunUntil(string directory, int seed, string target, string verb = CrashWriterProgram.Verb)
    {
        var host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            ArgumentList = { typeof(CrashWriterProgram).Assembly.Location, verb, directory, seed.ToString() },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var child = Process.Start(start)!;
        string? line;
        while ((line = child.StandardOutput.ReadLine()) is not null)
        {
            if (line == "done") break;
            // Answered, so the child runs on: the kill lands somewhere between the target and the next line, in the
            // middle of the next write, but never past it, since the child waits again there.
            child.StandardInput.WriteLine();
            if (line != target) continue;
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
            return true;
        }
        child.WaitForExit();
        Assert.True(child.ExitCode == 0, $"child writer failed: {child.StandardError.ReadToEnd()}");
        return false;
    }
}
