using System.Text.Json;
using Claims.Testing;

namespace Claims.Cli.Tests;

public class ExtractCommandTests
{
    [Fact]
    public void Extract_writes_a_file_per_table_and_a_manifest_for_the_cohort_creating_the_key_once()
    {
        using var temp = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("generate", "--out", temp.Combine("ds"), "--persons", "2000", "--months", "9", "--seed", "5").ExitCode);
        // Users rather than new users of diabetes drugs: 2,000 persons hold a handful of new users in a window, or none.
        var definition = temp.Combine("users.cohort.json");
        File.WriteAllText(definition, """
            {"name": "users of diabetes drugs with type 2 diabetes",
             "entry": {"table": "drugs", "where": {"col": "drug_class", "eq": 396}, "occurrence": "first"},
             "inclusion": [{"name": "T2DM diagnosis in the prior year", "table": "diagnoses", "where": {"col": "icd10", "prefix": "E11"}, "windowMonths": [-12, 0], "minCount": 1}]}
            """);
        var (_, cohortJson, _) = CliRunner.Run("cohort", "--data", temp.Combine("ds"), "--def", definition, "--json");
        var size = JsonDocument.Parse(cohortJson).RootElement.GetProperty("count").GetInt64();
        Assert.True(size > 0);

        string[] Args(string format, string output) =>
            ["extract", "--data", temp.Combine("ds"), "--def", definition, "--project", "diabetes-2026", "--key-file", temp.Combine("project.key"),
             "--tables", "receipts,drugs,diagnoses", "--format", format, "--out", temp.Combine(output)];

        var (code, output, error) = CliRunner.Run(Args("parquet", "out"));
        Assert.True(code == 0, error);
        Assert.Contains("created a new project key", error);
        Assert.Equal(32, File.ReadAllBytes(temp.Combine("project.key")).Length);
        Assert.Contains("wrote 3 files", output);
        using var manifest = JsonDocument.Parse(File.ReadAllText(temp.Combine("out", "manifest.json")));
        var root = manifest.RootElement;
        Assert.Equal(size, root.GetProperty("cohort").GetProperty("size").GetInt64());
        Assert.Equal("diabetes-2026", root.GetProperty("project").GetString());
        Assert.True(root.GetProperty("dataset").GetProperty("synthetic").GetBoolean());
        Assert.Equal(["receipts.parquet", "drugs.parquet", "diagnoses.parquet"], root.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("file").GetString()));
        Assert.All(root.GetProperty("files").EnumerateArray(), f => Assert.True(f.GetProperty("rows").GetInt64() > 0));

        (code, _, error) = CliRunner.Run(Args("csv", "csv"));
        Assert.True(code == 0, error);
        Assert.DoesNotContain("created", error);
        var header = File.ReadLines(temp.Combine("csv", "receipts.csv")).First();
        Assert.StartsWith("receipt_id,claim_kind,service_month", header);
        Assert.DoesNotContain("id1", header);
        Assert.DoesNotContain("birth_ym", header);
    }

    [Fact]
    public void Unknown_tables_short_keys_and_foreign_folders_are_named_errors()
    {
        using var temp = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("generate", "--out", temp.Combine("ds"), "--persons", "200", "--months", "1", "--seed", "5").ExitCode);
        File.WriteAllBytes(temp.Combine("short.key"), new byte[8]);
        const string everyone = """{"name": "everyone", "entry": {"table": "receipts"}}""";
        string[] Args(string tables, string key, string output) =>
            ["extract", "--data", temp.Combine("ds"), "--def", "-", "--project", "p", "--key-file", key, "--tables", tables, "--out", output];

        var (code, _, error) = CliRunner.RunWithInput(everyone, Args("receipts,claimz", temp.Combine("k"), temp.Combine("out")));
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("unknown table 'claimz'", error);
        Assert.Contains("checkups", error);
        Assert.False(File.Exists(temp.Combine("k")));

        // The population holds no patients: a cohort has none of it, and asking is an error, not an empty file.
        (code, _, error) = CliRunner.RunWithInput(everyone, Args("receipts,population", temp.Combine("k"), temp.Combine("out")));
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("table 'population' holds no patients' rows, so a cohort has none of it to extract; query it instead", error);
        Assert.False(Directory.Exists(temp.Combine("out")));

        (code, _, error) = CliRunner.RunWithInput(everyone, Args("receipts", temp.Combine("short.key"), temp.Combine("out")));
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("short.key", error);

        Directory.CreateDirectory(temp.Combine("mine"));
        File.WriteAllText(temp.Combine("mine", "notes.txt"), "keep");
        (code, _, error) = CliRunner.RunWithInput(everyone, Args("receipts", temp.Combine("k"), temp.Combine("mine")));
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("notes.txt", error);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(temp.Combine("mine")).Select(Path.GetFileName));
    }

    [Fact]
    public void On_restricted_data_an_extract_a_few_patients_from_an_earlier_release_is_refused_and_writes_nothing()
    {
        using var temp = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("generate", "--out", temp.Combine("ds"), "--persons", "1500", "--months", "1", "--seed", "3", "--access", "restricted").ExitCode);
        string[] Args(string output) =>
            ["extract", "--data", temp.Combine("ds"), "--def", "-", "--project", "study", "--key-file", temp.Combine("k"), "--releases", temp.Combine("releases"),
             "--tables", "receipts", "--out", temp.Combine(output)];
        string narrow, wider, far;
        using (var dataset = Engine.Storage.Dataset.Open(temp.Combine("ds"))) (narrow, wider, far) = CloseCohorts.Find(dataset);

        var (code, _, error) = CliRunner.RunWithInput(narrow, Args("a"));
        Assert.True(code == 0, error);
        Assert.True(File.Exists(temp.Combine("a", "manifest.json")));

        (code, _, error) = CliRunner.RunWithInput(wider, Args("b"));
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("differs from release 1", error);
        Assert.Contains("by fewer than 10 patients", error);
        Assert.False(Directory.Exists(temp.Combine("b")) && Directory.EnumerateFileSystemEntries(temp.Combine("b")).Any());

        (code, _, error) = CliRunner.RunWithInput(far, Args("c"));
        Assert.True(code == 0, error);
    }
}
