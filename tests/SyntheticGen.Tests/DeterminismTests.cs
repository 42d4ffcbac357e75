using Claims.Engine.Storage;
using Claims.Testing;

namespace Claims.SyntheticGen.Tests;

public class DeterminismTests
{
    private static DatasetManifest Generate(string directory, int threads, ulong seed) =>
        Generate(directory, threads, seed, out _);

    private static DatasetManifest Generate(string directory, int threads, ulong seed, out GenerateSummary summary)
    {
        summary = Generator.Run(new GenerateOptions { Out = directory, Persons = 4_000, From = 202310, Months = 4, Seed = seed, Threads = threads });
        return DatasetManifest.Read(directory);
    }

    private static IEnumerable<(string File, string Checksum)> Files(DatasetManifest manifest) =>
        manifest.Tables.SelectMany(t => t.Partitions.SelectMany(p => p.Files.Select(f => ($"{t.Name}/{p.Key}/{f.File}", f.Xxh3))));

    [Fact]
    public void The_same_seed_gives_byte_identical_files_whatever_the_thread_count()
    {
        using var temp = new TempDirectory();
        var one = Generate(temp.Combine("one"), 1, 42);
        var four = Generate(temp.Combine("four"), 4, 42);
        Assert.Equal(Files(one), Files(four));
        foreach (var (file, _) in Files(one))
        {
            var path = Path.Combine(one.Generation, file);
            Assert.Equal(File.ReadAllBytes(temp.Combine("one", path)), File.ReadAllBytes(temp.Combine("four", Path.Combine(four.Generation, file))));
        }
        foreach (var truth in Directory.GetFiles(temp.Combine("one", "truth")))
            Assert.Equal(File.ReadAllBytes(truth), File.ReadAllBytes(temp.Combine("four", "truth", Path.GetFileName(truth))));
    }

    [Fact]
    public void Another_seed_gives_other_data()
    {
        using var temp = new TempDirectory();
        var a = Files(Generate(temp.Combine("a"), 2, 1)).ToDictionary(f => f.File, f => f.Checksum);
        var b = Files(Generate(temp.Combine("b"), 2, 2)).ToDictionary(f => f.File, f => f.Checksum);
        Assert.True(a["receipts/202310/id1.col"] != b["receipts/202310/id1.col"]);
        Assert.True(a["receipts/202310/total_points.col"] != b["receipts/202310/total_points.col"]);
    }

    [Fact]
    public void Bad_parameters_are_refused_by_name()
    {
        using var temp = new TempDirectory();
        var error = Assert.Throws<Engine.ClaimsException>(() =>
            Generator.Run(new GenerateOptions { Out = temp.Path, Persons = 0, From = 202304, Months = 12, Seed = 1 }));
        Assert.Contains("--persons", error.Message);
        error = Assert.Throws<Engine.ClaimsException>(() =>
            Generator.Run(new GenerateOptions { Out = temp.Path, Persons = 10, From = 202313, Months = 12, Seed = 1 }));
        Assert.Contains("--from", error.Message);
        File.WriteAllText(Path.Combine(temp.Path, "notes.txt"), "mine");
        error = Assert.Throws<Engine.ClaimsException>(() =>
            Generator.Run(new GenerateOptions { Out = temp.Path, Persons = 10, From = 202304, Months = 1, Seed = 1 }));
        Assert.Contains("notes.txt", error.Message);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(temp.Path, "notes.txt")));
    }
}
