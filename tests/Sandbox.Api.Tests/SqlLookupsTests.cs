using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Claims.Engine.Schema;
using Claims.Sandbox.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Claims.Sandbox.Tests;

/// <summary>
/// The SQL database holds the enumerations and masters beside the data, so names can be joined to codes, and sends
/// 64-bit ids as strings.
/// </summary>
[Collection(SqlCollection.Name)]
public class SqlLookupsTests(SqlFactory service)
{
    private ClaimsSchema Schema => service.Factory.Services.GetRequiredService<ClaimsSchema>();

    private async Task<JsonElement> Body(string sql)
    {
        var response = await (await service.Factory.As(Roles.Explorer)).PostAsJsonAsync("/api/datasets/synthetic/sql", new { sql });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Every_enumeration_is_a_table_of_its_codes_and_names()
    {
        foreach (var e in Schema.Enums)
        {
            var rows = (await Body($"SELECT code, ja, en FROM enum_{e.Name} ORDER BY code")).GetProperty("rows").EnumerateArray()
                .Select(r => (r[0].GetInt32(), r[1].GetString()!, r[2].GetString()!)).ToList();
            Assert.Equal(e.Values.OrderBy(v => v.Code).Take(50).Select(v => (v.Code, v.Ja, v.En)), rows);
        }
    }

    [Fact]
    public async Task Every_master_is_a_typed_table_with_all_its_rows()
    {
        foreach (var master in Schema.Masters)
        {
            var body = await Body($"SELECT count(*) AS n, count(DISTINCT code) AS codes FROM master_{master.Name}");
            Assert.Equal(master.Table.Rows.Count, body.GetProperty("rows")[0][0].GetInt64());
            Assert.Equal(master.Table.Rows.Select(r => r[0]).Distinct().Count(), body.GetProperty("rows")[0][1].GetInt64());
        }
        var columns = (await Body("SELECT * FROM master_drugs LIMIT 1")).GetProperty("columns").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("type").GetString());
        Assert.Equal("varchar", columns["code"]);
        Assert.Equal("double", columns["price"]);
        Assert.Equal("integer", columns["generic"]);
        Assert.Equal("date", columns["valid_from"]);
        // An empty field is NULL, not an empty string or a failed cast.
        var drugs = Schema.Master("drugs").Table;
        var open = drugs.Rows.Count(r => r[drugs.IndexOf("valid_to")].Length == 0);
        Assert.Equal(open, (await Body("SELECT count(*) FROM master_drugs WHERE valid_to IS NULL")).GetProperty("rows")[0][0].GetInt64());
    }

    [Fact]
    public async Task Names_join_to_the_data_codes()
    {
        var joined = await Body("""
            SELECT p.ja, s.en, count(*) AS claims FROM receipts r
            JOIN enum_prefecture p ON p.code = r.prefecture JOIN enum_sex s ON s.code = r.sex
            WHERE r.prefecture <= 10 GROUP BY ALL ORDER BY p.ja, s.en
            """);
        var plain = await Body("SELECT prefecture, sex, count(*) AS claims FROM receipts WHERE prefecture <= 10 GROUP BY ALL");
        Assert.False(plain.GetProperty("truncated").GetBoolean());
        var prefecture = Schema.Enum("prefecture");
        var sex = Schema.Enum("sex");
        var expected = plain.GetProperty("rows").EnumerateArray()
            .Select(r => (prefecture[r[0].GetInt32()].Ja, sex[r[1].GetInt32()].En, r[2].GetInt64())).OrderBy(r => r.Ja, StringComparer.Ordinal).ThenBy(r => r.En, StringComparer.Ordinal);
        Assert.Equal(expected, joined.GetProperty("rows").EnumerateArray().Select(r => (r[0].GetString()!, r[1].GetString()!, r[2].GetInt64())));

        var generic = await Body("SELECT m.generic, count(*) FROM drugs d JOIN master_drugs m ON m.code = d.code GROUP BY ALL ORDER BY 1");
        Assert.Equal([0, 1], generic.GetProperty("rows").EnumerateArray().Select(r => r[0].GetInt32()));
    }

    [Fact]
    public async Task A_64_bit_id_comes_as_a_string_and_a_count_as_a_number()
    {
        var body = await Body("SELECT receipt_id, CAST(receipt_id AS VARCHAR) AS text, count(*) OVER () AS n FROM receipts ORDER BY receipt_id DESC LIMIT 3");
        Assert.Equal("bigint", body.GetProperty("columns")[0].GetProperty("type").GetString());
        foreach (var row in body.GetProperty("rows").EnumerateArray())
        {
            Assert.Equal(JsonValueKind.String, row[0].ValueKind);
            Assert.Equal(row[1].GetString(), row[0].GetString());
            Assert.Equal(JsonValueKind.Number, row[2].ValueKind);
        }
    }
}
