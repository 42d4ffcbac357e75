using Claims.Engine.Cohorts;
using System.Text.Json;
using Claims.Testing;

namespace Claims.Cli.Tests;

public class CohortCommandTests
{
    [Fact]
    public void Cohort_prints_the_attrition_as_a_table_and_as_JSON_with_the_count()
    {
        using var temp = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("generate", "--out", temp.Combine("ds"), "--persons", "3000", "--months", "9", "--seed", "5").ExitCode);
        var definition = Path.Combine(RepoPaths.DataSchemas, "examples", "new-users-of-diabetes-drugs.cohort.json");

        var (code, json, error) = CliRunner.Run("cohort", "--data", temp.Combine("ds"), "--def", definition, "--json");
        Assert.True(code == 0, error);
        using var result = JsonDocument.Parse(json);
        var attrition = result.RootElement.GetProperty("attrition").EnumerateArray().ToArray();
        Assert.Equal(5, attrition.Length);
        Assert.Equal("T2DM diagnosis in the prior year", attrition[2].GetProperty("rule").GetString());
        Assert.True(attrition[0].GetProperty("remaining").GetInt64() > 0);
        for (var i = 1; i < attrition.Length; i++)
        {
            Assert.Equal(attrition[i - 1].GetProperty("remaining").GetInt64() - attrition[i].GetProperty("remaining").GetInt64(),
                attrition[i].GetProperty("removed").GetInt64());
        }
        Assert.Equal(attrition[^1].GetProperty("remaining").GetInt64(), result.RootElement.GetProperty("count").GetInt64());

        (code, var table, error) = CliRunner.RunWithInput(File.ReadAllText(definition), "cohort", "--data", temp.Combine("ds"), "--def", "-");
        Assert.True(code == 0, error);
        Assert.Contains("aged 40-74 at index", table);
        Assert.Contains("count:", table);

        // The same cohort at the narrowest width on one thread; a thread count under one is named.
        (code, var narrow, error) = CliRunner.Run("cohort", "--data", temp.Combine("ds"), "--def", definition, "--json", "--simd", "scalar", "--threads", "1");
        Assert.True(code == 0, error);
        using (var again = JsonDocument.Parse(narrow)) Assert.Equal(result.RootElement.GetProperty("attrition").ToString(), again.RootElement.GetProperty("attrition").ToString());
        (code, _, error) = CliRunner.Run("cohort", "--data", temp.Combine("ds"), "--def", definition, "--threads", "0");
        Assert.NotEqual(0, code);
        Assert.Contains("--threads: must be at least 1, not 0", error);
    }

    [Fact]
    public void Period_builds_the_cohort_from_those_months_alone_and_a_malformed_one_is_named()
    {
        using var temp = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("generate", "--out", temp.Combine("ds"), "--persons", "3000", "--months", "9", "--seed", "5").ExitCode);
        // First admissions after three months seen: the period moves both the index months allowed and the look-back.
        var definition = temp.Combine("admitted.cohort.json");
        File.WriteAllText(definition, """
            {"name": "first admission", "entry": {"table": "receipts", "where": {"col": "claim_kind", "in": [1, 3]}, "occurrence": "first"},
             "priorObservationMonths": 3}
            """);
        string[] common = ["cohort", "--data", temp.Combine("ds"), "--def", definition, "--json"];

        var (code, json, error) = CliRunner.Run([.. common, "--period", "2023-07..2023-12"]);
        Assert.True(code == 0, error);
        using (var dataset = Engine.Storage.Dataset.Open(temp.Combine("ds")))
        {
            var expected = dataset.Period(new Engine.Storage.MonthRange(202307, 202312)).BuildCohort(File.ReadAllText(definition));
            Assert.Equal(expected.Attrition.Select(s => s.Remaining), JsonDocument.Parse(json).RootElement.GetProperty("attrition").EnumerateArray().Select(s => s.GetProperty("remaining").GetInt64()));
            Assert.NotEqual(expected.Count, dataset.BuildCohort(File.ReadAllText(definition)).Count);
        }

        (code, _, error) = CliRunner.Run([.. common, "--period", "2023-07"]);
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("--period '2023-07' is not FROM..TO", error);
        (code, _, error) = CliRunner.Run([.. common, "--period", "2023-12..2023-07"]);
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("FROM ≤ TO", error);
    }

    [Fact]
    public void On_restricted_data_cohort_needs_a_project_and_suppresses_small_counts()
    {
        using var temp = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("generate", "--out", temp.Combine("ds"), "--persons", "3000", "--months", "9", "--seed", "5", "--access", "restricted").ExitCode);
        var definition = Path.Combine(RepoPaths.DataSchemas, "examples", "new-users-of-diabetes-drugs.cohort.json");
        string[] common = ["cohort", "--data", temp.Combine("ds"), "--def", definition, "--releases", temp.Combine("releases")];

        var (code, _, error) = CliRunner.Run(common);
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("--project", error);

        (code, var json, error) = CliRunner.Run([.. common, "--project", "study", "--json"]);
        Assert.True(code == 0, error);
        using var result = JsonDocument.Parse(json);
        var attrition = result.RootElement.GetProperty("attrition").EnumerateArray().ToArray();
        Assert.Equal(5, attrition.Length);
        Assert.Contains(attrition, s => s.GetProperty("remaining").ValueKind == JsonValueKind.Null);
        foreach (var step in attrition)
        {
            foreach (var field in new[] { "remaining", "removed" })
            {
                var value = step.GetProperty(field);
                if (value.ValueKind == JsonValueKind.Number) Assert.True(value.GetInt64() is 0 or >= 10, $"{field} {value} released");
            }
        }
        Assert.Contains(result.RootElement.GetProperty("rules").EnumerateArray(), r => r.GetString()!.StartsWith("perturbation (cell key method)", StringComparison.Ordinal));
        Assert.True(Directory.EnumerateFiles(temp.Combine("releases", "study")).Any());

        (code, var table, error) = CliRunner.Run([.. common, "--project", "study"]);
        Assert.True(code == 0, error);
        Assert.Contains("│         x │", table);
    }

    [Fact]
    public void A_bad_definition_is_a_named_error_with_exit_code_2()
    {
        using var temp = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("generate", "--out", temp.Combine("ds"), "--persons", "200", "--months", "1", "--seed", "5").ExitCode);
        var (code, _, error) = CliRunner.RunWithInput("""{"name": "n", "entry": {"table": "drugs", "where": {"col": "drug_class", "eq": 9999}}}""",
            "cohort", "--data", temp.Combine("ds"), "--def", "-");
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("entry.where", error);
        (code, _, error) = CliRunner.Run("cohort", "--data", temp.Combine("ds"), "--def", temp.Combine("missing.json"));
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("--def: no file", error);
    }
}
