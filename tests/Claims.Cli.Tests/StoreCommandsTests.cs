using System.Text.Json;
using Claims.Testing;

namespace Claims.Cli.Tests;

public class StoreCommandsTests
{
    [Fact]
    public void Info_lists_tables_partitions_rows_bytes_and_provenance()
    {
        using var temp = new TempDirectory();
        var source = new RandomDataset { Seed = 9, Months = 2, RowsPerPartition = 700 };
        source.Write(temp.Path);

        var (code, output, error) = CliRunner.Run("info", "--data", temp.Path, "--json");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.True(root.GetProperty("provenance").GetProperty("synthetic").GetBoolean());
        Assert.Equal("9", root.GetProperty("provenance").GetProperty("parameters").GetProperty("seed").GetString());
        Assert.Equal("public", root.GetProperty("access").GetString());
        var receipts = root.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "receipts");
        Assert.Equal(1400, receipts.GetProperty("rows").GetInt64());
        Assert.Equal([202304, 202305], receipts.GetProperty("partitions").EnumerateArray().Select(p => p.GetProperty("month").GetInt32()));
        Assert.True(receipts.GetProperty("bytes").GetInt64() > 1400 * 64);
        Assert.Equal(source.Rows.Values.Sum(r => r.Count), root.GetProperty("rows").GetInt64());

        var (tableCode, table, _) = CliRunner.Run("info", "--data", temp.Path, "--verify");
        Assert.Equal(0, tableCode);
        Assert.Contains("receipts", table);
        Assert.Contains("synthetic: True", table);
    }

    [Fact]
    public void Export_writes_one_parquet_file_per_table_and_month()
    {
        using var temp = new TempDirectory();
        new RandomDataset { Seed = 10, Months = 2, RowsPerPartition = 300 }.Write(temp.Combine("ds"));
        var (code, output, error) = CliRunner.Run("export", "--data", temp.Combine("ds"), "--out", temp.Combine("out"), "--format", "parquet");
        Assert.True(code == 0, error);
        Assert.Contains("wrote 16 files", output);
        Assert.True(File.Exists(temp.Combine("out", "receipts", "202305.parquet")));
        Assert.True(File.Exists(temp.Combine("out", "checkups", "202304.parquet")));
    }

    [Fact]
    public void A_missing_or_corrupt_dataset_is_a_clear_error_not_a_crash()
    {
        using var temp = new TempDirectory();
        var (code, _, error) = CliRunner.Run("info", "--data", temp.Path);
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.StartsWith("error: manifest.json: no dataset", error);

        new RandomDataset { Seed = 11, Months = 1, RowsPerPartition = 50 }.Write(temp.Combine("ds"));
        var generation = Directory.GetDirectories(temp.Combine("ds")).Single();
        var file = Path.Combine(generation, "receipts", "202304", "age.col");
        File.WriteAllBytes(file, File.ReadAllBytes(file)[..100]);
        (code, _, error) = CliRunner.Run("info", "--data", temp.Combine("ds"));
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("receipts/202304/age.col", error);
    }

    [Fact]
    public void Unknown_formats_and_missing_options_are_parse_errors()
    {
        var (code, _, error) = CliRunner.Run("export", "--data", "x", "--out", "y", "--format", "xlsx");
        Assert.Equal(1, code);
        Assert.Contains("xlsx", error);
        (code, _, error) = CliRunner.Run("info");
        Assert.Equal(1, code);
        Assert.Contains("--data", error);
    }
}
