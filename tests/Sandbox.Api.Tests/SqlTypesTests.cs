using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Claims.Sandbox.Identity;

namespace Claims.Sandbox.Tests;

/// <summary>
/// Every DuckDB type through the SQL endpoint: a well-formed JSON value (the expectation written from DuckDB's
/// meaning of the value, not from the converter) or a 400 problem naming the column and its type; never a 500.
/// </summary>
[Collection(SqlCollection.Name)]
public class SqlTypesTests(SqlFactory service)
{
    /// <summary>Statement (one column named v), DuckDB's name for its type, and the JSON expected (null: refused).</summary>
    public static TheoryData<string, string, string?> Values => new()
    {
        { "SELECT 'infinity'::DATE AS v", "date", "\"infinity\"" },
        { "SELECT '-infinity'::DATE AS v", "date", "\"-infinity\"" },
        { "SELECT DATE '2024-02-29' AS v", "date", "\"2024-02-29\"" },
        { "SELECT '-infinity'::TIMESTAMP AS v", "timestamp", "\"-infinity\"" },
        { "SELECT 'infinity'::TIMESTAMPTZ AS v", "timestamptz", "\"infinity\"" },
        { "SELECT TIMESTAMPTZ '2024-01-01 01:02:03+09' AS v", "timestamptz", "\"2023-12-31T16:02:03Z\"" },
        { "SELECT TIMESTAMP '2024-01-01 01:02:03.5' AS v", "timestamp", "\"2024-01-01T01:02:03.5\"" },
        { "SELECT '2024-01-01 01:02:03.123456789'::TIMESTAMP_NS AS v", "timestamp_ns", "\"2024-01-01T01:02:03.1234567\"" },
        { "SELECT '2024-01-01 01:02:03.123'::TIMESTAMP_MS AS v", "timestamp_ms", "\"2024-01-01T01:02:03.123\"" },
        { "SELECT '2024-01-01 01:02:03'::TIMESTAMP_S AS v", "timestamp_s", "\"2024-01-01T01:02:03\"" },
        { "SELECT TIMESTAMP '294247-01-10 04:00:54.775806' AS v", "timestamp", "\"294247-01-10T04:00:54.775806\"" },
        { "SELECT TIME '12:00:01.25' AS v", "time", "\"12:00:01.25\"" },
        { "SELECT '12:34:56+09:00'::TIMETZ AS v", "timetz", "\"12:34:56.000000+09:00\"" },
        { "SELECT '12:34:56-03:30'::TIMETZ AS v", "timetz", "\"12:34:56.000000-03:30\"" },
        { "SELECT '12:00:00'::TIME_NS AS v", "time_ns", null },
        { "SELECT INTERVAL 1 YEAR + INTERVAL 3 DAY + INTERVAL 5 SECOND AS v", "interval", """{"months":12,"days":3,"micros":5000000}""" },
        { "SELECT INTERVAL 36 HOUR AS v", "interval", """{"months":0,"days":0,"micros":129600000000}""" },
        { "SELECT INTERVAL '-1 day' AS v", "interval", """{"months":0,"days":-1,"micros":0}""" },
        { "SELECT 123456789012345678901234567890123456.78::DECIMAL(38,2) AS v", "decimal", "\"123456789012345678901234567890123456.78\"" },
        { "SELECT -1.5::DECIMAL(38,30) AS v", "decimal", "\"-1.500000000000000000000000000000\"" },
        { "SELECT 12.34::DECIMAL(10,2) AS v", "decimal", "12.34" },
        { "SELECT 12.34::DECIMAL(38,2) AS v", "decimal", "12.34" },
        { "SELECT 170141183460469231731687303715884105727::HUGEINT AS v", "hugeint", "\"170141183460469231731687303715884105727\"" },
        { "SELECT 5::HUGEINT AS v", "hugeint", "5" },
        { "SELECT 340282366920938463463374607431768211455::UHUGEINT AS v", "uhugeint", "\"340282366920938463463374607431768211455\"" },
        { "SELECT 12345678901234567890123::BIGNUM AS v", "bignum", "\"12345678901234567890123\"" },
        { "SELECT 18446744073709551615::UBIGINT AS v", "ubigint", "18446744073709551615" },
        { "SELECT 200::UTINYINT AS v", "utinyint", "200" },
        { "SELECT -5::TINYINT AS v", "tinyint", "-5" },
        { "SELECT 'nan'::DOUBLE AS v", "double", "\"NaN\"" },
        { "SELECT 'inf'::DOUBLE AS v", "double", "\"Infinity\"" },
        { "SELECT '-inf'::FLOAT AS v", "float", "\"-Infinity\"" },
        { "SELECT 0.5::DOUBLE AS v", "double", "0.5" },
        { "SELECT true AS v", "boolean", "true" },
        { "SELECT NULL AS v", "integer", "null" },
        { "SELECT 'abc'::BLOB AS v", "blob", "\"YWJj\"" },
        { "SELECT '\\xFF\\x00'::BLOB AS v", "blob", "\"/wA=\"" },
        { "SELECT 'a1b2c3d4-0000-4000-8000-000000000001'::UUID AS v", "uuid", "\"a1b2c3d4-0000-4000-8000-000000000001\"" },
        { "SELECT '0101'::BIT AS v", "bit", "\"0101\"" },
        { "SELECT 'b'::ENUM('a', 'b') AS v", "enum", "\"b\"" },
        { "SELECT 'é' AS v", "varchar", "\"é\"" },
        { "SELECT [1, 2, 3] AS v", "list", "[1,2,3]" },
        { "SELECT [[1, 2], [3]] AS v", "list", "[[1,2],[3]]" },
        { "SELECT ['a', NULL] AS v", "list", "[\"a\",null]" },
        { "SELECT [INTERVAL 1 DAY] AS v", "list", """[{"months":0,"days":1,"micros":0}]""" },
        { "SELECT ['infinity'::DATE] AS v", "list", null },
        { "SELECT {'x': 1, 'y': 'z'} AS v", "struct", """{"x":1,"y":"z"}""" },
        { "SELECT {'a': [1, NULL]} AS v", "struct", null },
        { "SELECT MAP {'k': 1} AS v", "map", """{"k":1}""" },
        { "SELECT [1, 2]::INTEGER[2] AS v", "array", "[1,2]" },
        { "SELECT union_value(a := 1) AS v", "union", null },
        { "SELECT union_value(b := 'x')::UNION(a INT, b VARCHAR) AS v", "union", null },
        { "SELECT 'POINT(1 2)'::GEOMETRY AS v", "geometry", null },
        { "SELECT 1::VARIANT AS v", "variant", null },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public async Task Each_type_comes_as_well_formed_JSON_or_is_refused_naming_its_column_and_type(string sql, string type, string? expected)
    {
        var response = await (await service.Factory.As(Roles.Explorer)).PostAsJsonAsync("/api/datasets/synthetic/sql", new { sql });
        if (expected is null)
        {
            await response.AssertProblem(HttpStatusCode.BadRequest, $"column 'v' has type {type.ToUpperInvariant()}");
            return;
        }
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var result = JsonDocument.Parse(body).RootElement;
        Assert.Equal(type, result.GetProperty("columns")[0].GetProperty("type").GetString());
        var value = result.GetProperty("rows")[0][0];
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(expected).RootElement, value), $"expected {expected}, got {value.GetRawText()}");
    }
}
