using Claims.Engine.Extracts;
using Claims.Engine.Tests.Storage;

namespace Claims.Engine.Tests.Extracts;

public class ExtractCrashTests(ExtractFixture fixture) : IClassFixture<ExtractFixture>
{
    internal const string Definition = """{"name": "every patient", "entry": {"table": "receipts"}}""";
    internal static readonly string[] AllTables = ["receipts", "diagnoses", "drugs", "procedures"];

    internal static ExtractRequest Request(string folder, string project, IReadOnlyList<string> tables) => new()
    {
        Project = project, Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(), Tables = tables, OutDirectory = folder,
        CohortDefinitionJson = Definition,
    };

    /// <summary>
    /// An extract into a folder holding an earlier one is killed after its first file is staged, and again when
    /// every file is staged and only publishing is left: the earlier extract stays byte for byte what it was, and
    /// the next extract removes the killed one's staging folder and publishes whole.
    /// </summary>
    [Fact]
    public void An_extract_killed_mid_write_leaves_the_previous_extract_intact_and_the_next_removes_its_leftovers()
    {
        var folder = fixture.NewFolder();
        CohortExtract.Write(fixture.Dataset, fixture.Cohort, Request(folder, "first", ["receipts", "drugs"]));
        var previous = Snapshot(folder);
        Assert.Contains(ExtractFolder.ManifestName, previous.Keys);

        foreach (var target in new[] { "staged 1", $"staged {AllTables.Length}" })
        {
            Assert.True(CrashTests.RunUntil([CrashWriterProgram.ExtractVerb, fixture.Dataset.Directory, folder], target, atKill: () =>
            {
                var staging = Assert.Single(Directory.GetDirectories(folder, ".extract-*.tmp"));
                Assert.NotEmpty(Directory.GetFiles(staging));
            }), $"the extract never printed '{target}'");
            Assert.Equal(previous, Snapshot(folder));
        }

        var manifest = CohortExtract.Write(fixture.Dataset, fixture.Cohort, Request(folder, "second", AllTables));
        Assert.Empty(Directory.GetDirectories(folder, ".extract-*.tmp"));
        Assert.Equal(manifest.Files.Select(f => f.File).Append(ExtractFolder.ManifestName).Order(), Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        Assert.All(manifest.Files, f => Assert.Equal(f.Bytes, new FileInfo(Path.Combine(folder, f.File)).Length));
    }

    /// <summary>Every visible file of an extract folder (staging folders aside) with its contents' hash.</summary>
    private static Dictionary<string, string> Snapshot(string directory) =>
        Directory.EnumerateFiles(directory).ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));
}
