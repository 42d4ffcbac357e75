using System.Text.Json;
using Claims.Testing;

namespace Claims.Cli.Tests;

public class GenerateCommandsTests
{
    [Fact]
    public void Generate_writes_a_dataset_with_truth_and_prints_a_summary_then_fidelity_reports_every_metric()
    {
        using var temp = new TempDirectory();
        var (code, output, error) = CliRunner.Run("generate", "--out", temp.Path, "--persons", "3000", "--from", "2023-10", "--months", "3",
            "--seed", "5", "--threads", "2");
        Assert.True(code == 0, error);
        Assert.Contains("receipts", output);
        Assert.Matches(@"rows in [\d.]+ s \([\d,]+ rows/s\)", output);
        Assert.True(File.Exists(Path.Combine(temp.Path, "truth", "receipts.parquet")));

        var (infoCode, info, _) = CliRunner.Run("info", "--data", temp.Path, "--json");
        Assert.Equal(0, infoCode);
        using var manifest = JsonDocument.Parse(info);
        Assert.True(manifest.RootElement.GetProperty("provenance").GetProperty("synthetic").GetBoolean());
        Assert.Equal("202310", manifest.RootElement.GetProperty("provenance").GetProperty("parameters").GetProperty("from").GetString());

        var (fidelityCode, fidelity, fidelityError) = CliRunner.Run("fidelity", "--data", temp.Path, "--json");
        using var rows = JsonDocument.Parse(fidelity);
        var metrics = rows.RootElement.EnumerateArray().ToArray();
        Assert.True(metrics.Length >= 30, fidelityError);
        Assert.All(metrics, m =>
        {
            Assert.False(string.IsNullOrEmpty(m.GetProperty("metric").GetString()));
            Assert.False(string.IsNullOrEmpty(m.GetProperty("source").GetString()));
            m.GetProperty("target").GetDouble();
            m.GetProperty("synthetic").GetDouble();
        });
        // Exit code 3 says some metric is out of tolerance (likely at 3,000 persons); 0 that all are within.
        var anyFailing = metrics.Any(m => !m.GetProperty("within").GetBoolean());
        Assert.Equal(anyFailing ? 3 : 0, fidelityCode);
        Assert.Contains(metrics, m => m.GetProperty("metric").GetString()!.StartsWith("integrity: receipts whose total_points") && m.GetProperty("within").GetBoolean());
    }

    [Fact]
    public void Bad_generate_options_are_named()
    {
        using var temp = new TempDirectory();
        var (code, _, error) = CliRunner.Run("generate", "--out", temp.Path, "--persons", "10", "--from", "2023-13", "--seed", "1");
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("--from '2023-13'", error);
        (code, _, error) = CliRunner.Run("fidelity", "--data", temp.Path);
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("no dataset", error);
    }
}
