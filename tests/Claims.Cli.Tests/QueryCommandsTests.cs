using System.Text.Json;
using Claims.Testing;

namespace Claims.Cli.Tests;

public class QueryCommandsTests
{
    private const string Query = """
        {"from": "receipts", "where": {"col": "sex", "eq": 2}, "groupBy": ["claim_kind"],
         "select": [{"count": "*", "as": "claims"}, {"sum": "total_points", "as": "points"}], "orderBy": [{"col": "claim_kind"}]}
        """;

    [Fact]
    public void Query_prints_csv_json_and_a_table_from_a_file_or_standard_input_and_bench_writes_its_json()
    {
        using var temp = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("generate", "--out", temp.Combine("ds"), "--persons", "1500", "--months", "2", "--seed", "3").ExitCode);
        File.WriteAllText(temp.Combine("q.json"), Query);

        var (code, csv, error) = CliRunner.Run("query", "--data", temp.Combine("ds"), "--query", temp.Combine("q.json"), "--format", "csv");
        Assert.True(code == 0, error);
        var lines = csv.Trim().Split('\n');
        Assert.Equal("claim_kind,claims,points", lines[0]);
        Assert.True(lines.Length >= 3);
        // A width and a thread count for this query alone change nothing in what it answers.
        var (_, scalar, _) = CliRunner.Run("query", "--data", temp.Combine("ds"), "--query", temp.Combine("q.json"), "--format", "csv", "--simd", "scalar", "--threads", "1");
        Assert.Equal(csv, scalar);
        (code, _, error) = CliRunner.Run("query", "--data", temp.Combine("ds"), "--query", temp.Combine("q.json"), "--threads", "0");
        Assert.Equal(2, code);
        Assert.Contains("--threads: must be at least 1, not 0", error);

        (code, var json, error) = CliRunner.RunWithInput(Query, "query", "--data", temp.Combine("ds"), "--query", "-", "--format", "json");
        Assert.True(code == 0, error);
        using var rows = JsonDocument.Parse(json);
        Assert.Equal(lines.Length - 1, rows.RootElement.GetArrayLength());
        Assert.True(rows.RootElement[0].GetProperty("claims").GetInt64() > 0);

        (code, var table, _) = CliRunner.Run("query", "--data", temp.Combine("ds"), "--query", temp.Combine("q.json"));
        Assert.Equal(0, code);
        Assert.Contains("claim_kind", table);

        (code, _, error) = CliRunner.Run("bench", "--data", temp.Combine("ds"), "--out", temp.Combine("results"), "--repeats", "1");
        Assert.True(code == 0, error);
        using var bench = JsonDocument.Parse(File.ReadAllText(temp.Combine("results", "bench.json")));
        Assert.True(bench.RootElement.GetProperty("bandwidth_gbps").GetDouble() > 0);
        var queries = bench.RootElement.GetProperty("queries").EnumerateArray().ToArray();
        Assert.True(queries.Length >= 13);
        var bandwidth = bench.RootElement.GetProperty("bandwidth_gbps").GetDouble();
        foreach (var q in queries)
        {
            double Field(string name) => q.GetProperty(name).GetDouble();
            // docs/benchmarks.md: ratio = DuckDB time / engine time; the share of bandwidth is the engine's GB/s over the machine's.
            Assert.True(Field("engine_ms") > 0 && Field("duckdb_ms") > 0, q.ToString());
            Assert.Equal(Field("duckdb_ms") / Field("engine_ms"), Field("ratio"), 1e-9 * Field("ratio"));
            Assert.True(Field("engine_gbps") > 0, q.ToString());
            Assert.Equal(Field("engine_gbps") / bandwidth, Field("bandwidth_fraction"), 1e-9 * Field("bandwidth_fraction"));
            Assert.True(q.GetProperty("rows").GetInt64() > 0);
            Assert.False(string.IsNullOrEmpty(q.GetProperty("name").GetString()));
        }
        Assert.True(File.Exists(temp.Combine("results", "bench.md")));
    }

    [Fact]
    public void A_bad_query_is_a_named_error_with_exit_code_2()
    {
        using var temp = new TempDirectory();
        new RandomDataset { Seed = 4, Months = 1, RowsPerPartition = 100 }.Write(temp.Path);
        var (code, _, error) = CliRunner.RunWithInput("{\"from\": \"receipts\", \"where\": {\"col\": \"sex\", \"equals\": 2}, \"select\": [{\"count\": \"*\", \"as\": \"n\"}]}",
            "query", "--data", temp.Path, "--query", "-");
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("where.equals: unknown operator 'equals'", error);
        (code, _, error) = CliRunner.Run("query", "--data", temp.Path, "--query", temp.Combine("missing.json"));
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("missing.json", error);
    }

    [Fact]
    public void Bench_cold_reads_both_sides_from_the_disk_and_refuses_an_export_of_other_data()
    {
        using var temp = new TempDirectory();
        string ds = temp.Combine("ds"), parquet = temp.Combine("parquet");
        Assert.Equal(0, CliRunner.Run("generate", "--out", ds, "--persons", "1500", "--months", "2", "--seed", "3").ExitCode);
        Assert.Equal(0, CliRunner.Run("export", "--data", ds, "--out", parquet).ExitCode);

        var (code, _, error) = CliRunner.Run("bench", "--data", ds, "--parquet", parquet, "--cold", "--out", temp.Combine("results"), "--repeats", "1");
        Assert.True(code == 0, error);
        using var bench = JsonDocument.Parse(File.ReadAllText(temp.Combine("results", "bench.json")));
        var root = bench.RootElement;
        Assert.True(root.GetProperty("cold").GetBoolean());
        Assert.Equal("disk", root.GetProperty("ceiling").GetString());
        var bandwidth = root.GetProperty("bandwidth_gbps").GetDouble();
        Assert.True(bandwidth > 0);
        var receipts = root.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "receipts");
        Assert.Equal(Directory.EnumerateFiles(Path.Combine(parquet, "receipts")).Sum(f => new FileInfo(f).Length), receipts.GetProperty("parquet_bytes").GetInt64());
        Assert.True(receipts.GetProperty("store_bytes").GetInt64() > receipts.GetProperty("rows").GetInt64());
        var queries = root.GetProperty("queries").EnumerateArray().ToArray();
        Assert.True(queries.Length >= 13);
        foreach (var q in queries)
        {
            // Each timed run starts with neither side's files cached, so each fetched some from the disk.
            Assert.True(q.GetProperty("engine_bytes_read").GetInt64() > 0, q.ToString());
            Assert.True(q.GetProperty("duckdb_bytes_read").GetInt64() > 0, q.ToString());
            Assert.True(q.GetProperty("plain_read_ms").GetDouble() > 0, q.ToString());
            Assert.Equal(q.GetProperty("engine_gbps").GetDouble() / bandwidth, q.GetProperty("bandwidth_fraction").GetDouble(), 1e-9);
        }
        Assert.Contains("Parquet bytes/row", File.ReadAllText(temp.Combine("results", "bench.md")));

        (code, _, error) = CliRunner.Run("bench", "--data", ds, "--cold");
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("bench: --cold needs --parquet DIR", error);

        Directory.CreateDirectory(temp.Combine("empty"));
        (code, _, error) = CliRunner.Run("bench", "--data", ds, "--parquet", temp.Combine("empty"));
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains($"bench: --parquet '{temp.Combine("empty")}' has no receipts/*.parquet", error);

        Assert.Equal(0, CliRunner.Run("generate", "--out", temp.Combine("other"), "--persons", "1000", "--months", "2", "--seed", "3").ExitCode);
        Assert.Equal(0, CliRunner.Run("export", "--data", temp.Combine("other"), "--out", temp.Combine("other-parquet")).ExitCode);
        (code, _, error) = CliRunner.Run("bench", "--data", ds, "--parquet", temp.Combine("other-parquet"));
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Matches(@"holds [0-9,]+ rows of receipts and the dataset [0-9,]+: it is an export of other data", error);
    }
}
