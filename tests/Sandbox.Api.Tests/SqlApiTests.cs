using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Claims.Engine.Query;
using Claims.Engine.Schema;
using Claims.Sandbox.Datasets;
using Claims.Sandbox.Identity;
using DuckDB.NET.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Claims.Sandbox.Tests;

/// <summary>Read-only SQL over the synthetic dataset: answers as the engine does, and nothing beyond reading gets through.</summary>
[Collection(SqlCollection.Name)]
public class SqlApiTests(SqlFactory service)
{
    private async Task<HttpResponseMessage> Sql(string sql, string dataset = "synthetic") =>
        await (await service.Factory.As(Roles.Explorer)).PostAsJsonAsync($"/api/datasets/{dataset}/sql", new { sql });

    private async Task<JsonElement> Rows(string sql)
    {
        var response = await Sql(sql);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows");
    }

    private string Outside(string name) => Path.Combine(service.DataDir, name);

    [Fact]
    public async Task A_select_answers_what_the_engine_answers()
    {
        var response = await Sql("SELECT sex, count(*) AS claims, sum(total_points) AS points FROM receipts WHERE service_month >= 202305 GROUP BY sex ORDER BY sex");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.GetProperty("truncated").GetBoolean());
        Assert.Equal(["sex", "claims", "points"], body.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        var dataset = service.Factory.Services.GetRequiredService<DatasetRegistry>().Get("synthetic");
        var expected = dataset.Execute(QueryParser.Parse("""
            {"from": "receipts", "where": {"col": "service_month", "ge": 202305}, "groupBy": ["sex"],
             "select": [{"count": "*", "as": "claims"}, {"sum": "total_points", "as": "points"}], "orderBy": [{"col": "sex"}]}
            """, dataset.Schema));
        var rows = body.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, rows.Length);
        for (var r = 0; r < rows.Length; r++)
        for (var c = 0; c < 3; c++)
            Assert.Equal(Convert.ToDecimal(ArrowValues.Value(expected.Column(c), r)), rows[r][c].GetDecimal());
    }

    [Fact]
    public async Task Rows_past_the_cap_are_cut_and_marked_truncated()
    {
        var body = await (await Sql("SELECT * FROM receipts")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("truncated").GetBoolean());
        Assert.Equal(50, body.GetProperty("rows").GetArrayLength());
    }

    [Theory]
    [InlineData("SELECT * FROM read_csv('/etc/passwd')")]
    [InlineData("SELECT * FROM read_text('/etc/passwd')")]
    [InlineData("SELECT * FROM glob('/etc/*')")]
    [InlineData("WITH t AS (SELECT 1) SELECT * FROM read_parquet('{data}/duckdb/*.parquet')")]
    [InlineData("COPY receipts TO '{data}/stolen.csv'")]
    [InlineData("SELECT 1; COPY receipts TO '{data}/stolen.csv'")]
    [InlineData("ATTACH '{data}/other.duckdb' AS other")]
    [InlineData("INSTALL httpfs")]
    [InlineData("LOAD httpfs")]
    [InlineData("SET enable_external_access = true")]
    [InlineData("RESET lock_configuration")]
    [InlineData("CREATE TABLE stolen AS SELECT * FROM receipts")]
    [InlineData("CREATE TEMP TABLE scratch AS SELECT 1")]
    [InlineData("INSERT INTO receipts SELECT * FROM receipts")]
    [InlineData("DELETE FROM receipts")]
    [InlineData("DROP TABLE receipts")]
    [InlineData("PRAGMA database_list")]
    [InlineData("CALL pragma_version()")]
    [InlineData("SELECT 1; DROP TABLE receipts")]
    [InlineData("SELECT ';' AS s; SELECT 2")]
    [InlineData("EXPORT DATABASE '{data}/export'")]
    [InlineData("")]
    public async Task Anything_but_reading_the_database_is_a_400_and_changes_nothing(string sql)
    {
        var before = await Rows("SELECT count(*) FROM receipts");
        var response = await Sql(sql.Replace("{data}", service.DataDir));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(before.ToString(), (await Rows("SELECT count(*) FROM receipts")).ToString());
        // The dataset's tables and the lookups beside them (SqlLookupsTests), nothing more.
        var schema = service.Factory.Services.GetRequiredService<ClaimsSchema>();
        Assert.Equal(schema.Tables.Count + schema.Enums.Count + schema.Masters.Count,
            (await Rows("SELECT count(*) FROM information_schema.tables")).EnumerateArray().Single().EnumerateArray().Single().GetInt32());
        Assert.False(File.Exists(Outside("stolen.csv")) || File.Exists(Outside("other.duckdb")) || Directory.Exists(Outside("export")));
        // Settings are not served as SQL (they name paths): read this one on the service's instance directly.
        using var connection = new DuckDBConnection($"DataSource={service.DatabasePath};ACCESS_MODE=READ_ONLY");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT current_setting('enable_external_access')::VARCHAR";
        Assert.Equal("false", command.ExecuteScalar()?.ToString());
    }

    [Fact]
    public async Task Semicolons_and_keywords_inside_strings_and_comments_are_not_statements()
    {
        var rows = await Rows("-- DROP TABLE receipts;\nSELECT 'a;b' AS s, /* ; */ \"x;y\".n FROM (SELECT 1 AS n) \"x;y\";");
        Assert.Equal("a;b", rows[0][0].GetString());
    }

    [Theory]
    [InlineData("SELECT ';' AS v", ";")]
    [InlineData("SELECT 'x' AS v -- ; DROP TABLE receipts", "x")]
    [InlineData("SELECT 'x' AS v /* ; SELECT 2 */;", "x")]
    [InlineData("SELECT $$;$$ AS v", ";")]
    [InlineData("SELECT \"a;b\" AS v FROM (SELECT 'y' AS \"a;b\")", "y")]
    [InlineData("SELECT '--' || ';' AS v", "--;")]
    [InlineData("SELECT '''; SELECT 2 --' AS v", "'; SELECT 2 --")]
    public async Task A_quoted_or_commented_semicolon_is_one_statement(string sql, string value) =>
        Assert.Equal(value, (await Rows(sql))[0][0].GetString());

    [Theory]
    [InlineData("SELECT ';' AS s; SELECT 2")]
    [InlineData("SELECT 1; -- a comment\nSELECT 2")]
    [InlineData("SELECT '/*'; SELECT '*/'")]
    [InlineData("SELECT '--'; SELECT 2")]
    [InlineData("SELECT $$x$$; SELECT 2")]
    [InlineData("SELECT 1 /* ; */; SELECT 2")]
    [InlineData("SELECT ''''; SELECT 2")]
    [InlineData("SELECT \"a;\"\"b\" FROM (SELECT 1 AS \"a;\"\"b\"); SELECT 2")]
    public async Task A_second_statement_after_a_quoted_or_commented_semicolon_is_refused(string sql) =>
        await (await Sql(sql)).AssertProblem(HttpStatusCode.BadRequest, "single statement");

    [Fact]
    public async Task The_database_itself_refuses_what_a_statement_check_would_miss()
    {
        await Sql("SELECT 1");
        // The same connection string in this process joins the service's locked instance, past the statement check.
        using var connection = new DuckDBConnection($"DataSource={service.DatabasePath};ACCESS_MODE=READ_ONLY");
        connection.Open();
        foreach (var sql in new[] { "SET enable_external_access = true", "CREATE TABLE t AS SELECT 1", $"COPY receipts TO '{Outside("leak.csv")}'", "SET lock_configuration = false" })
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            Assert.ThrowsAny<DuckDBException>(() => command.ExecuteNonQuery());
        }
        Assert.False(File.Exists(Outside("leak.csv")));
    }

    [Fact]
    public async Task An_endless_query_is_answered_when_its_time_limit_passes_and_DuckDB_is_interrupted()
    {
        await service.Slots.WhenIdle();
        var pending = Sql("SELECT count(*) FROM range(1000000000000000)");
        await service.Slots.WhenRunning(1);
        service.Time.Advance(TimeSpan.FromSeconds(2));
        await (await pending).AssertProblem(HttpStatusCode.BadRequest, "exceeded 2 s");
        // The statement would run for years: its slot comes back only because DuckDB was interrupted.
        await service.Slots.WhenIdle();
        Assert.Equal(HttpStatusCode.OK, (await Sql("SELECT 1")).StatusCode);
    }

    [Fact]
    public async Task Restricted_data_is_never_served_as_sql_and_unknown_datasets_are_404()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await Sql("SELECT 1", "restricted")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Sql("SELECT 1", "nope")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await service.Factory.CreateClient().PostAsJsonAsync("/api/datasets/synthetic/sql", new { sql = "SELECT 1" })).StatusCode);
        var malformed = await (await service.Factory.As(Roles.Explorer)).PostAsync("/api/datasets/synthetic/sql",
            new StringContent("{\"sql\": ", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }
}
