using Claims.Engine.Privacy;
using Claims.Testing;

namespace Claims.Cli.Tests;

public class SampleCommandTests
{
    [Fact]
    public void Sample_writes_a_dataset_and_prints_what_it_drew_and_masked()
    {
        using var temp = new TempDirectory();
        new RandomDataset { Seed = 12, Months = 2, RowsPerPartition = 3_000 }.Write(temp.Combine("ds"));
        var (code, output, error) = CliRunner.Run("sample", "--data", temp.Combine("ds"), "--out", temp.Combine("smp"), "--seed", "1", "--months", "4,5");
        Assert.True(code == 0, error);
        Assert.Contains("high-cost dropped", output);
        Assert.Contains("masked column", output);
        Assert.Contains("wrote ", output);
        (code, output, error) = CliRunner.Run("info", "--data", temp.Combine("smp"));
        Assert.True(code == 0, error);
        Assert.Contains("sample.seed = 1", output);
    }

    [Fact]
    public void On_restricted_data_small_counts_are_suppressed_and_public_data_prints_them()
    {
        using var temp = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("generate", "--out", temp.Combine("ds"), "--persons", "300", "--from", "202301", "--months", "1", "--seed", "5", "--access", "restricted").ExitCode);
        var (code, output, error) = CliRunner.Run("sample", "--data", temp.Combine("ds"), "--out", temp.Combine("smp"), "--seed", "1", "--months", "1");
        Assert.True(code == 0, error);
        Assert.Contains("the input is restricted", output);
        Assert.Contains($"│ {DisclosurePolicy.Marker} ", output);
        // 300 persons in a month give single-digit draws: no cell shows a count from 1 to 9, nor the total over them.
        Assert.DoesNotMatch(SmallCount, Cells(output));
        Assert.Contains($"wrote {DisclosurePolicy.Marker} receipts", output);

        Assert.Equal(0, CliRunner.Run("generate", "--out", temp.Combine("public"), "--persons", "300", "--from", "202301", "--months", "1", "--seed", "5").ExitCode);
        (code, output, error) = CliRunner.Run("sample", "--data", temp.Combine("public"), "--out", temp.Combine("smp2"), "--seed", "1", "--months", "1");
        Assert.True(code == 0, error);
        Assert.DoesNotContain("the input is restricted", output);
        Assert.DoesNotContain($"│ {DisclosurePolicy.Marker} ", output);
        Assert.Matches(SmallCount, Cells(output));
    }

    private const string SmallCount = @"(│|\s)[1-9](?=\s*(│| of|$))";

    private static string Cells(string output) => string.Join("\n", output.Split('\n').Where(l => l.Contains('│')));

    [Fact]
    public void Missing_data_and_a_foreign_out_folder_are_clear_errors()
    {
        using var temp = new TempDirectory();
        var (code, _, error) = CliRunner.Run("sample", "--data", temp.Combine("none"), "--out", temp.Combine("smp"), "--seed", "1");
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.StartsWith("error: manifest.json: no dataset", error);

        new RandomDataset { Seed = 13, Months = 1, RowsPerPartition = 200 }.Write(temp.Combine("ds"));
        Directory.CreateDirectory(temp.Combine("busy"));
        File.WriteAllText(temp.Combine("busy", "notes.txt"), "mine");
        (code, _, error) = CliRunner.Run("sample", "--data", temp.Combine("ds"), "--out", temp.Combine("busy"), "--seed", "1");
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("notes.txt", error);

        (code, _, error) = CliRunner.Run("sample", "--data", temp.Combine("ds"), "--out", temp.Combine("ds"), "--seed", "1");
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("cannot be written over the dataset", error);

        (code, _, error) = CliRunner.Run("sample", "--data", temp.Combine("ds"), "--out", temp.Combine("smp"), "--seed", "1", "--months", "13");
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("--months", error);
    }
}
