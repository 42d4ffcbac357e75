using System.Text.Json;
using Claims.Testing;

namespace Claims.Cli.Tests;

public class LinkCommandTests
{
    [Fact]
    public void Link_report_json_is_an_array_of_the_four_methods_with_precision_and_recall()
    {
        using var temp = new TempDirectory();
        var (generated, generateOutput, generateError) = CliRunner.Run("generate", "--out", temp.Path, "--persons", "2000", "--from", "2023-10", "--months", "2",
            "--seed", "9", "--threads", "2");
        Assert.True(generated == 0, generateError);
        Assert.Matches(@"linked into [\d,]+ patients in [\d.]+ s", generateOutput);

        var (code, output, error) = CliRunner.Run("link", "--data", temp.Path, "--report", "--json");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var rows = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(["id1", "id2", "id1+id2", "combined"], rows.Select(r => r.GetProperty("method").GetString()));
        Assert.All(rows, r => Assert.Equal(["method", "precision", "recall"], r.EnumerateObject().Select(p => p.Name)));
        var recall = rows.ToDictionary(r => r.GetProperty("method").GetString()!, r => r.GetProperty("recall").GetDouble());
        var precision = rows.ToDictionary(r => r.GetProperty("method").GetString()!, r => r.GetProperty("precision").GetDouble());
        // docs/linkage.md: the combined method reaches precision ≥ 99% and recall ≥ 97%, and each hash alone recalls less.
        Assert.True(precision["combined"] >= 0.99 && recall["combined"] >= 0.97, $"combined: precision {precision["combined"]}, recall {recall["combined"]}");
        Assert.True(recall["id1"] < recall["combined"] && recall["id2"] < recall["combined"], $"recall: {string.Join(", ", recall)}");

        var (tableCode, table, _) = CliRunner.Run("link", "--data", temp.Path, "--report");
        Assert.Equal(0, tableCode);
        Assert.Contains("combined", table);
        Assert.Matches(@"linked [\d,]+ receipts and [\d,]+ checkups into [\d,]+ patients \(combined\)", table);
    }

    [Fact]
    public void A_report_without_ground_truth_is_refused_by_name()
    {
        using var temp = new TempDirectory();
        var (generated, _, generateError) = CliRunner.Run("generate", "--out", temp.Path, "--persons", "500", "--from", "2023-10", "--months", "1", "--seed", "3");
        Assert.True(generated == 0, generateError);
        Directory.Delete(temp.Combine("truth"), recursive: true);

        var (code, output, error) = CliRunner.Run("link", "--data", temp.Path, "--report", "--json");
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("ground truth", error);
        Assert.Contains("receipts.parquet", error);
        Assert.Equal("", output);

        // Linking itself needs no truth.
        (code, output, error) = CliRunner.Run("link", "--data", temp.Path, "--json");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("combined", json.RootElement.GetProperty("method").GetString());
        Assert.True(json.RootElement.GetProperty("patients").GetInt32() > 0);
    }

    [Fact]
    public void Linking_a_folder_without_a_dataset_is_refused_by_name()
    {
        using var temp = new TempDirectory();
        var (code, _, error) = CliRunner.Run("link", "--data", temp.Path);
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("no dataset", error);
        Assert.False(File.Exists(temp.Combine(".lock")));
        (code, _, error) = CliRunner.Run("link", "--data", temp.Combine("missing"));
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("no dataset", error);
    }
}
