using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Claims.Engine.Query;
using Claims.Engine.Schema;
using Claims.Sandbox.Datasets;
using Claims.Sandbox.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Claims.Sandbox.Tests;

/// <summary>
/// What a newcomer met in the answers: codes named on request (<c>?labels=ja|en</c>) from the enumerations and
/// masters, 64-bit ids as strings JavaScript cannot round, and the front page's icon served.
/// </summary>
public class QueryLabelsTests(SandboxFactory factory) : IClassFixture<SandboxFactory>
{
    private const string ByPrefectureSexKind = """
        {"from": "receipts", "groupBy": ["prefecture", "sex", "claim_kind"], "select": [{"count": "*", "as": "claims"}]}
        """;

    private async Task<JsonElement> Query(string query, string suffix = "")
    {
        var response = await (await factory.As(Roles.Explorer)).PostAsync($"/api/datasets/synthetic/query{suffix}", new StringContent(query, Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static Dictionary<string, string> Labels(JsonElement body, string column) =>
        body.GetProperty("labels").GetProperty(column).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);

    [Theory]
    [InlineData("ja")]
    [InlineData("en")]
    public async Task Asked_for_labels_every_enumerated_code_in_the_answer_is_named_in_that_language(string language)
    {
        var body = await Query(ByPrefectureSexKind, $"?labels={language}");
        var schema = factory.Services.GetRequiredService<ClaimsSchema>();
        var rows = body.GetProperty("rows").EnumerateArray().ToArray();
        string[] columns = ["prefecture", "sex", "claim_kind"];
        for (var c = 0; c < columns.Length; c++)
        {
            var present = rows.Select(r => r[c].GetInt64().ToString()).ToHashSet();
            var expected = schema.Enum(columns[c]).Values.Where(v => present.Contains(v.Code.ToString()))
                .ToDictionary(v => v.Code.ToString(), v => language == "ja" ? v.Ja : v.En);
            Assert.Equal(expected, Labels(body, columns[c]));
        }
        Assert.Equal(language == "ja" ? "東京都" : "Tokyo", Labels(body, "prefecture")["13"]);
        Assert.Equal(language == "ja" ? "女" : "Female", Labels(body, "sex")["2"]);
        // Unlabelled, the answer is as it was: codes only, no labels field filled.
        Assert.Equal(JsonValueKind.Null, (await Query(ByPrefectureSexKind)).GetProperty("labels").ValueKind);
    }

    [Fact]
    public async Task A_master_code_is_named_as_its_master_says_and_a_derived_key_is_left_alone()
    {
        var body = await Query("""
            {"from": "drugs", "groupBy": ["code", "drug_class"], "select": [{"count": "*", "as": "lines"}], "orderBy": [{"col": "lines", "desc": true}], "limit": 20}
            """, "?labels=ja");
        var master = factory.Services.GetRequiredService<ClaimsSchema>().Master("drugs").Table;
        var names = master.Rows.GroupBy(r => r[master.IndexOf("code")]).ToDictionary(g => g.Key, g => g.First()[master.IndexOf("name")]);
        var labels = Labels(body, "code");
        Assert.Equal(20, labels.Count);
        Assert.All(labels, l => Assert.Equal(names[l.Key], l.Value));
        Assert.NotEmpty(Labels(body, "drug_class"));

        var banded = await Query("""{"from": "receipts", "groupBy": ["age_band"], "select": [{"count": "*", "as": "n"}]}""", "?labels=en");
        Assert.False(banded.GetProperty("labels").TryGetProperty("age_band", out _));
        // A chapter is a number its enumeration names.
        var chapters = Labels(await Query("""{"from": "diagnoses", "groupBy": ["icd10_chapter"], "select": [{"count": "*", "as": "n"}]}""", "?labels=en"), "icd10_chapter");
        Assert.Equal("IX Diseases of the circulatory system", chapters["9"]);
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("JA")]
    [InlineData("")]
    public async Task An_unknown_label_language_is_a_400_naming_the_languages(string language)
    {
        var response = await (await factory.As(Roles.Explorer)).PostAsync($"/api/datasets/synthetic/query?labels={language}",
            new StringContent(ByPrefectureSexKind, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("labels=ja or labels=en", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_64_bit_id_is_sent_as_a_string_holding_every_digit()
    {
        const string query = """{"from": "receipts", "groupBy": ["receipt_id", "patient_id"], "select": [{"count": "*", "as": "n"}], "orderBy": [{"col": "receipt_id", "desc": true}], "limit": 5}""";
        var body = await Query(query);
        Assert.Equal(["receipt_id:id", "patient_id:int64", "n:int64"],
            body.GetProperty("columns").EnumerateArray().Select(c => $"{c.GetProperty("name").GetString()}:{c.GetProperty("type").GetString()}"));
        var dataset = factory.Services.GetRequiredService<DatasetRegistry>().Get("synthetic");
        var expected = dataset.Execute(QueryParser.Parse(query, dataset.Schema));
        var rows = body.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(5, rows.Length);
        for (var r = 0; r < rows.Length; r++)
        {
            Assert.Equal(JsonValueKind.String, rows[r][0].ValueKind);
            Assert.Equal(((long)ArrowValues.Value(expected.Column(0), r)!).ToString(), rows[r][0].GetString());
            Assert.Equal(JsonValueKind.Number, rows[r][1].ValueKind);
        }
    }

    [Fact]
    public async Task The_front_page_names_its_icon_and_the_icon_is_served()
    {
        var client = factory.CreateClient();
        Assert.Contains("rel=\"icon\" href=\"favicon.ico\"", await client.GetStringAsync("/"));
        var icon = await client.GetAsync("/favicon.ico");
        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.Equal("image/x-icon", icon.Content.Headers.ContentType!.MediaType);
        var bytes = await icon.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0, 0, 1, 0 }, bytes[..4]);
    }
}
