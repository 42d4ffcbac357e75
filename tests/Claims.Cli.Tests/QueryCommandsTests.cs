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
}
