using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Claims.Sandbox.Identity;

namespace Claims.Sandbox.Tests;

/// <summary>
/// Seeded mutations of attack and type statements (cut short, quotes, semicolons and comment markers inserted,
/// pieces spliced together): every answer is a 200 with rows or a 4xx problem document, never a 5xx.
/// </summary>
[Collection(SqlCollection.Name)]
public class SqlFuzzTests(SqlFactory service)
{
    private static readonly string[] s_seeds =
    [
        "SELECT sex, count(*) FROM receipts GROUP BY sex", "SELECT 'infinity'::DATE", "SELECT 1.5::DECIMAL(38,30)",
        "SELECT INTERVAL 1 YEAR", "SELECT '12:00+09'::TIMETZ", "SELECT union_value(a := 1)", "SELECT 1::VARIANT",
        "SELECT 'abc'::BLOB", "SELECT [1, NULL]", "SELECT {'a': [1, NULL]}", "SELECT MAP {'k': [1]}", "SELECT 'nan'::DOUBLE",
        "SELECT * FROM read_blob('x')", "SELECT current_setting('temp_directory')", "SELECT * FROM duckdb_databases()",
        "SELECT ';' AS s; SELECT 2", "SELECT $$x$$ -- ;", "DESCRIBE receipts", "SUMMARIZE SELECT 1 AS a", "FROM range(3)",
        "WITH t AS (SELECT 1 AS a) SELECT * FROM t", "EXPLAIN SELECT 1", "PRAGMA version", "SELECT * FROM 'x.csv'",
        "SELECT [1,2]::INTEGER[2]", "SELECT 170141183460469231731687303715884105727::HUGEINT", "SELECT NULL::GEOMETRY",
    ];

    private static readonly string[] s_pieces = ["'", "\"", ";", "--", "/*", "*/", "$$", "(", ")", "\0", "\\", " UNION ALL ", "::", "é", "\n"];

    [Fact]
    public async Task Mutated_statements_never_answer_5xx()
    {
        var random = new Random(20260105);
        var client = await service.Factory.As(Roles.Explorer);
        var answered = new Dictionary<HttpStatusCode, int>();
        for (var i = 0; i < 300; i++)
        {
            var sql = s_seeds[random.Next(s_seeds.Length)];
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                var at = random.Next(sql.Length + 1);
                sql = random.Next(4) switch
                {
                    0 => sql[..at],
                    1 => sql[..at] + s_pieces[random.Next(s_pieces.Length)] + sql[at..],
                    2 => sql[..at] + s_seeds[random.Next(s_seeds.Length)],
                    _ => sql + s_pieces[random.Next(s_pieces.Length)],
                };
            }
            var response = await client.PostAsJsonAsync("/api/datasets/synthetic/sql", new { sql });
            var body = await response.Content.ReadAsStringAsync();
            // One user, one request at a time: never told to wait for their own previous statement.
            Assert.True((int)response.StatusCode < 500 && response.StatusCode != HttpStatusCode.TooManyRequests, $"{(int)response.StatusCode} for {JsonSerializer.Serialize(sql)}: {body}");
            if (response.StatusCode == HttpStatusCode.OK) Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(body).RootElement.GetProperty("rows").ValueKind);
            else await response.AssertProblem(response.StatusCode);
            answered[response.StatusCode] = answered.GetValueOrDefault(response.StatusCode) + 1;
        }
        // Both kinds of answer were reached, so the mutations neither all parse nor all fail.
        Assert.True(answered.GetValueOrDefault(HttpStatusCode.OK) >= 10 && answered.GetValueOrDefault(HttpStatusCode.BadRequest) >= 10, string.Join(", ", answered));
    }
}
