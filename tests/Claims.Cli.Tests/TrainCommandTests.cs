using System.Text.Json;
using Claims.Testing;

namespace Claims.Cli.Tests;

public class TrainCommandTests
{
    [Fact]
    public void Train_fits_the_example_spec_prints_the_test_metrics_and_writes_report_spec_and_model_that_predict_scores_a_cohort_with()
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
        Assert.True(File.Exists(temp.Combine("model", "model.onnx")));

        // The example's own target, scored from the model file alone: one row per member, by pseudonym, with a new
        // project key beside the scores; the same key and project name the same patients the same way again.
        var target = report.RootElement.GetProperty("population").GetProperty("cohort").GetInt64();
        var cohort = JsonDocument.Parse(File.ReadAllText(spec)).RootElement.GetProperty("target").GetRawText();
        (code, output, error) = CliRunner.RunWithInput(cohort, "predict", "--model", temp.Combine("model", "model.zip"), "--data", temp.Combine("ds"), "--def", "-", "--out", temp.Combine("scores", "a.csv"));
        Assert.True(code == 0, error);
        Assert.Contains($"scored {target:N0} members", output);
        Assert.Contains("created a new project key", error);
        var lines = File.ReadAllLines(temp.Combine("scores", "a.csv"));
        Assert.Equal("patient,index_month,score", lines[0]);
        Assert.Equal(target, lines.Length - 1);
        Assert.All(lines.Skip(1), line => Assert.Matches(@"^[0-9a-f]{16},20[0-9]{2}(0[1-9]|1[0-2]),(0|1|0\.[0-9]{1,6})$", line));
        (code, _, error) = CliRunner.RunWithInput(cohort, "predict", "--model", temp.Combine("model", "model.zip"), "--data", temp.Combine("ds"), "--def", "-",
            "--out", temp.Combine("again.csv"), "--key-file", temp.Combine("scores", "project.key"));
        Assert.True(code == 0, error);
        Assert.Equal(lines, File.ReadAllLines(temp.Combine("again.csv")));

        // A model file that is not one is named, and nothing is written.
        (code, _, error) = CliRunner.RunWithInput(cohort, "predict", "--model", temp.Combine("model", "report.json"), "--data", temp.Combine("ds"), "--def", "-", "--out", temp.Combine("bad.csv"));
        Assert.NotEqual(0, code);
        Assert.Contains("is not a model file: not a zip archive", error);
        Assert.False(File.Exists(temp.Combine("bad.csv")));

        // A spec with a field the schema does not have is named, and nothing is written.
        (code, _, error) = CliRunner.RunWithInput("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"table": "receipts"}, "model": {"trees": 5}}""",
            "train", "--data", temp.Combine("ds"), "--spec", "-", "--out", temp.Combine("bad"));
        Assert.NotEqual(0, code);
        Assert.Contains("model: unknown field 'trees'", error);
        Assert.False(Directory.Exists(temp.Combine("bad")));
    }
}
