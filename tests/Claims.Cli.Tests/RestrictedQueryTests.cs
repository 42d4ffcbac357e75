using System.Text.Json;
using Claims.Testing;

namespace Claims.Cli.Tests;

public class RestrictedQueryTests
{
    private const string Query = """
        {"from": "receipts", "groupBy": ["sex", "age_band"],
         "select": [{"count": "*", "as": "claims"}, {"avg": "total_points", "as": "mean"}, {"count": "admission_date", "as": "admissions"}]}
        """;

    [Fact]
    public void A_restricted_query_needs_a_project_shows_suppressed_cells_as_markers_and_keeps_to_its_budget()
    {
        using var temp = new TempDirectory();
        var ds = temp.Combine("ds");
        Assert.Equal(0, CliRunner.Run("generate", "--out", ds, "--persons", "1500", "--months", "1", "--seed", "3", "--access", "restricted").ExitCode);
        File.WriteAllText(temp.Combine("q.json"), Query);
        string[] common = ["query", "--data", ds, "--query", temp.Combine("q.json"), "--releases", temp.Combine("releases")];

        var (code, _, error) = CliRunner.Run(common);
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("error: --project:", error);
        Assert.Contains("is restricted", error);

        (code, var table, error) = CliRunner.Run([.. common, "--project", "study"]);
        Assert.True(code == 0, error);
        Assert.Contains("│ x ", table);
        Assert.Contains("suppression: cells of fewer than 10 patients (none included) are shown as x", table);

        (code, var json, error) = CliRunner.Run([.. common, "--project", "study", "--format", "json"]);
        Assert.True(code == 0, error);
        using var document = JsonDocument.Parse(json);
        var rows = document.RootElement.GetProperty("rows");
        var suppressed = document.RootElement.GetProperty("suppressed").EnumerateArray().ToArray();
        Assert.NotEmpty(suppressed);
        Assert.All(suppressed, s => Assert.False(s.TryGetProperty("rule", out _), "a cell's rule would tell small cells from their protectors"));
        foreach (var cell in suppressed)
            Assert.Equal(JsonValueKind.Null, rows[cell.GetProperty("row").GetInt32()].GetProperty(cell.GetProperty("column").GetString()!).ValueKind);
        Assert.NotEmpty(document.RootElement.GetProperty("rules").EnumerateArray());

        (code, var csv, error) = CliRunner.Run([.. common, "--project", "study", "--format", "csv", "--threshold", "20"]);
        Assert.True(code == 0, error);
        Assert.Contains(",x", csv);
        Assert.Contains("rule: suppression: cells of fewer than 20 patients (none included) are shown as x", error);
        Assert.DoesNotContain("rule:", csv);

        (code, _, error) = CliRunner.Run([.. common, "--project", "study", "--threshold", "2"]);
        Assert.Equal(1, code);
        Assert.Contains("--threshold: 2 is below the floor of 10", error);

        (code, csv, error) = CliRunner.Run([.. common, "--project", "margin", "--format", "csv", "--margin", "5"]);
        Assert.True(code == 0, error);
        Assert.Contains("shown only if it stays at 15 or more", error);
        (code, _, error) = CliRunner.Run([.. common, "--project", "study", "--margin", "6"]);
        Assert.Equal(1, code);
        Assert.Contains("--margin: 6 must be from 0 to 5", error);

        foreach (var command in new[] { new[] { "export", "--data", ds, "--out", temp.Combine("export") }, ["bench", "--data", ds, "--out", temp.Combine("bench")], ["fidelity", "--data", ds] })
        {
            (code, _, error) = CliRunner.Run(command);
            Assert.Equal(ClaimsCli.BadInput, code);
            Assert.Contains($"'{command[0]}' reads every row", error);
            Assert.Contains("is restricted", error);
        }
        Assert.False(Directory.Exists(temp.Combine("export")));

        // A project's budget is counted in its ledger across runs: a budget of one cell refuses the second release.
        const string few = """{"from": "receipts", "where": {"col": "age", "lt": 40}, "select": [{"count": "*", "as": "claims"}]}""";
        const string fewPlusTwo = """{"from": "receipts", "where": {"col": "age", "lt": 42}, "select": [{"count": "*", "as": "claims"}]}""";
        string[] stdin = ["query", "--data", ds, "--query", "-", "--releases", temp.Combine("releases"), "--project", "tight", "--budget", "1"];
        Assert.Equal(0, CliRunner.RunWithInput(few, stdin).ExitCode);
        (code, _, error) = CliRunner.RunWithInput(fewPlusTwo, stdin);
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("error: project 'tight' has spent its disclosure budget", error);
    }
}
