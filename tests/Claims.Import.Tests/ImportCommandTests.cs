using System.Text.Json;
using Claims.Cli;
using Claims.Cli.Tests;
using Claims.Engine.Storage;
using Claims.Testing;

namespace Claims.Import.Tests;

/// <summary>`claims import uke` as a user runs it: a table and a summary, or a one-line error and exit code 2.</summary>
public sealed class ImportCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new("uke-cli");

    public void Dispose() => _temp.Dispose();

    private static (int ExitCode, string Out, string Error) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void A_folder_imports_with_a_table_per_rule_and_a_summary()
    {
        var input = Directory.CreateDirectory(_temp.Combine("in")).FullName;
        UkeText.Write(input, "A.UKE", UkeText.Valid());
        UkeText.Write(input, "b.uke", UkeText.Replace(UkeText.Valid(), "GO,", "GO,2,999,99"));
        File.WriteAllText(Path.Combine(input, "notes.txt"), "not a claim file");

        var (code, output, error) = Run("import", "uke", input, "--out", _temp.Combine("ds"), "--salt-file", _temp.Combine("k"));

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("A.UKE", output);
        Assert.Contains("b.uke", output);
        Assert.Matches(@"go-total\s*│\s*1\s", output);
        Assert.Contains("imported 4 of 4 receipts (968 points)", output);
        using var dataset = Dataset.Open(_temp.Combine("ds"));
        Assert.Equal(DatasetAccess.Restricted, dataset.Manifest.Access);
    }

    [Fact]
    public void Json_prints_the_report()
    {
        var file = UkeText.Write(_temp.Path, "A.UKE", UkeText.Valid());

        var (code, output, _) = Run("import", "uke", file, "--out", _temp.Combine("ds"), "--salt-file", _temp.Combine("k"), "--access", "public", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(2, json.RootElement.GetProperty("receiptsImported").GetInt64());
        Assert.Equal(484, json.RootElement.GetProperty("pointsImported").GetInt64());
        using var dataset = Dataset.Open(_temp.Combine("ds"));
        Assert.Equal(DatasetAccess.Public, dataset.Manifest.Access);
    }

    [Theory]
    [InlineData("missing", "is neither a UKE file nor a folder")]
    [InlineData("strict", "go-total: GO total points '999'")]
    [InlineData("empty-dir", "holds no *.UKE files")]
    [InlineData("bad-salt", "does not hold a salt")]
    public void Bad_input_is_one_line_naming_what_is_wrong(string what, string message)
    {
        var good = UkeText.Write(_temp.Path, "A.UKE", UkeText.Valid());
        var broken = UkeText.Write(_temp.Path, "B.UKE", UkeText.Replace(UkeText.Valid(), "GO,", "GO,2,999,99"));
        var salt = _temp.Combine("k");
        string[] args = what switch
        {
            "missing" => [_temp.Combine("nowhere.UKE")],
            "strict" => [broken, "--strict"],
            "empty-dir" => [Directory.CreateDirectory(_temp.Combine("empty")).FullName],
            _ => [good],
        };
        if (what == "bad-salt") File.WriteAllText(salt, "not hex");

        var (code, _, error) = Run(["import", "uke", .. args, "--out", _temp.Combine("ds"), "--salt-file", salt]);

        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.StartsWith("error: ", error);
        Assert.Contains(message, error);
        Assert.DoesNotContain("   at ", error);
        Assert.False(File.Exists(Path.Combine(_temp.Combine("ds"), DatasetManifest.FileName)));
    }

    [Fact]
    public void Export_uke_writes_what_import_uke_reads_back_and_refuses_restricted_data()
    {
        var file = UkeText.Write(_temp.Path, "A.UKE", UkeText.Valid());
        Assert.Equal(0, Run("import", "uke", file, "--out", _temp.Combine("ds"), "--salt-file", _temp.Combine("k"), "--access", "public").ExitCode);

        var (code, output, error) = Run("export", "uke", "--data", _temp.Combine("ds"), "--out", _temp.Combine("uke"));

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("wrote 2 receipts", output);
        var back = Run("import", "uke", _temp.Combine("uke"), "--out", _temp.Combine("back"), "--salt-file", _temp.Combine("k"), "--json");
        using var json = JsonDocument.Parse(back.Out);
        Assert.Equal(2, json.RootElement.GetProperty("receiptsImported").GetInt64());
        Assert.Equal(484, json.RootElement.GetProperty("pointsImported").GetInt64());

        Assert.Equal(0, Run("import", "uke", file, "--out", _temp.Combine("restricted"), "--salt-file", _temp.Combine("k")).ExitCode);
        var refused = Run("export", "uke", "--data", _temp.Combine("restricted"), "--out", _temp.Combine("uke2"));
        Assert.Equal(ClaimsCli.BadInput, refused.ExitCode);
        Assert.Contains("restricted", refused.Error);
        Assert.False(Directory.Exists(_temp.Combine("uke2")));
    }
}
