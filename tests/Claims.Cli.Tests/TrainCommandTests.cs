using System.Text.Json;
using Claims.Testing;

namespace Claims.Cli.Tests;

public class TrainCommandTests
{
    [Fact]
    public void Train_fits_the_example_spec_prints_the_test_metrics_and_writes_report_spec_and_model()
    {
        using var temp = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("generate", "--out", temp.Combine("ds"), "--persons", "3000", "--months", "24", "--seed", "7").ExitCode);
        var spec = Path.Combine(RepoPaths.DataSchemas, "examples", "admission-aged-65-plus.model.json");

        var (code, output, error) = CliRunner.Run("train", "--data", temp.Combine("ds"), "--spec", spec, "--out", temp.Combine("model"));
        Assert.True(code == 0, error);
        Assert.Contains("AUC-ROC", output);
        Assert.Contains("logistic baseline", output);
        Assert.Contains("membership inference: attack AUC", output);
        using var report = JsonDocument.Parse(File.ReadAllText(temp.Combine("model", "report.json")));
        var population = report.RootElement.GetProperty("population");
        Assert.True(population.GetProperty("members").GetInt64() > 0);
        Assert.Equal(population.GetProperty("test").GetInt64(), report.RootElement.GetProperty("metrics").GetProperty("count").GetInt64());
        Assert.Contains($"{report.RootElement.GetProperty("metrics").GetProperty("aucRoc").GetDouble():F3}", output);
        Assert.True(File.Exists(temp.Combine("model", "model.zip")));

        // A spec with a field the schema does not have is named, and nothing is written.
        (code, _, error) = CliRunner.RunWithInput("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"table": "receipts"}, "model": {"trees": 5}}""",
            "train", "--data", temp.Combine("ds"), "--spec", "-", "--out", temp.Combine("bad"));
        Assert.NotEqual(0, code);
        Assert.Contains("model: unknown field 'trees'", error);
        Assert.False(Directory.Exists(temp.Combine("bad")));
    }
}
