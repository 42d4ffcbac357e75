using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Claims.Sandbox.Identity;

namespace Claims.Sandbox.Tests;

/// <summary>
/// The catalogue's tables and a table's columns with example values: the examples are the engine's answer on the
/// synthetic data (the same counts a query gives), codes named on request, identifying columns without any, and
/// nothing of the restricted data's values to anyone.
/// </summary>
public class TableCatalogueTests(SandboxFactory factory) : IClassFixture<SandboxFactory>
{
    private async Task<JsonElement> Get(string path)
    {
        var response = await (await factory.As(Roles.Explorer)).GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static JsonElement Column(JsonElement table, string name) =>
        table.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    [Fact]
    public async Task The_tables_are_listed_with_their_descriptions_in_both_languages()
    {
        var tables = (await Get("/api/datasets/synthetic/tables")).EnumerateArray().ToArray();
        Assert.Equal(["receipts", "diagnoses", "procedures", "drugs", "devices", "dpc", "checkups", "population"], tables.Select(t => t.GetProperty("name").GetString()));
        var drugs = tables.Single(t => t.GetProperty("name").GetString() == "drugs");
        Assert.Equal("receipts", drugs.GetProperty("parent").GetString());
        Assert.Equal(11, drugs.GetProperty("columns").GetInt32());
        Assert.False(string.IsNullOrEmpty(drugs.GetProperty("description").GetProperty("ja").GetString()));
        Assert.False(string.IsNullOrEmpty(drugs.GetProperty("description").GetProperty("en").GetString()));
    }

    [Fact]
    public async Task A_tables_columns_come_with_the_most_frequent_values_of_its_last_month_as_a_query_counts_them()
    {
        var receipts = await Get("/api/datasets/synthetic/tables/receipts?labels=en");
        // The test datasets cover 2023-04 to 2023-09.
        Assert.Equal(202309, receipts.GetProperty("month").GetInt32());
        var sex = Column(receipts, "sex");
        Assert.Equal("enum:sex", sex.GetProperty("codeSystem").GetString());
        Assert.False(string.IsNullOrEmpty(sex.GetProperty("description").GetProperty("ja").GetString()));
        var examples = sex.GetProperty("examples").EnumerateArray().ToDictionary(e => e.GetProperty("value").GetInt64());
        Assert.Equal(["Male", "Female"], examples.OrderBy(e => e.Key).Select(e => e.Value.GetProperty("label").GetString()));

        var query = await (await factory.As(Roles.Explorer)).PostAsync("/api/datasets/synthetic/query", new StringContent("""
            {"from": "receipts", "where": {"col": "service_month", "eq": 202309}, "groupBy": ["sex"], "select": [{"count": "*", "as": "n"}]}
            """, Encoding.UTF8, "application/json"));
        var counts = (await query.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows").EnumerateArray()
            .ToDictionary(r => r[0].GetInt64(), r => r[1].GetInt64());
        Assert.Equal(counts, examples.ToDictionary(e => e.Key, e => e.Value.GetProperty("rows").GetInt64()));

        // At most five values, most frequent first; a column of many values (points) is cut at five.
        var points = Column(receipts, "total_points").GetProperty("examples").EnumerateArray().Select(e => e.GetProperty("rows").GetInt64()).ToArray();
        Assert.Equal(5, points.Length);
        Assert.Equal(points.OrderDescending(), points);
        // The partition column's examples are months, counted over every month (six here; five shown).
        Assert.Equal(5, Column(receipts, "service_month").GetProperty("examples").EnumerateArray().Select(e => e.GetProperty("value").GetInt64()).Distinct().Count());
        // Ids and hashes are identifying: listed, described, without examples.
        Assert.True(Column(receipts, "id1").GetProperty("identifying").GetBoolean());
        Assert.Equal(JsonValueKind.Null, Column(receipts, "id1").GetProperty("examples").ValueKind);
        Assert.Equal(JsonValueKind.Null, Column(receipts, "receipt_id").GetProperty("examples").ValueKind);
        // A nullable column's examples are values, never NULL.
        Assert.All(Column(receipts, "admission_date").GetProperty("examples").EnumerateArray(), e => Assert.Equal(JsonValueKind.String, e.GetProperty("value").ValueKind));
    }

    [Fact]
    public async Task Master_codes_are_named_in_japanese_and_unlabelled_examples_carry_no_names()
    {
        var diagnoses = await Get("/api/datasets/synthetic/tables/diagnoses?labels=ja");
        var codes = Column(diagnoses, "disease_code").GetProperty("examples").EnumerateArray().ToArray();
        Assert.NotEmpty(codes);
        Assert.All(codes, c => Assert.False(string.IsNullOrEmpty(c.GetProperty("label").GetString())));
        var plain = await Get("/api/datasets/synthetic/tables/diagnoses");
        Assert.All(Column(plain, "disease_code").GetProperty("examples").EnumerateArray(), c => Assert.Equal(JsonValueKind.Null, c.GetProperty("label").ValueKind));
        // Every table answers, the population table and the checkups' floats included.
        foreach (var table in (await Get("/api/datasets/synthetic/tables")).EnumerateArray().Select(t => t.GetProperty("name").GetString()))
            Assert.NotEmpty((await Get($"/api/datasets/synthetic/tables/{table}")).GetProperty("columns").EnumerateArray()
                .Where(c => !c.GetProperty("identifying").GetBoolean()).SelectMany(c => c.GetProperty("examples").EnumerateArray()));
    }

    [Fact]
    public async Task Restricted_data_gives_no_examples_and_bad_input_is_a_problem()
    {
        var admin = factory.Admin();
        var analyst = factory.Client((await admin.NewUser(Roles.Analyst)).Key);
        var project = await analyst.NewApprovedProject(admin);
        // Not even to the analyst of an approved project: a catalogue passes no disclosure control.
        await (await analyst.GetAsync($"/api/datasets/restricted/tables/receipts?project={project}")).AssertProblem(HttpStatusCode.Forbidden, "public datasets only");
        await (await admin.GetAsync("/api/datasets/restricted/tables/receipts")).AssertProblem(HttpStatusCode.Forbidden, "public datasets only");
        // The restricted dataset's tables are the schema's, which is public.
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync("/api/datasets/restricted/tables")).StatusCode);

        var explorer = await factory.As(Roles.Explorer);
        await (await explorer.GetAsync("/api/datasets/synthetic/tables/nothing")).AssertProblem(HttpStatusCode.NotFound, "no table 'nothing'");
        await (await explorer.GetAsync("/api/datasets/elsewhere/tables/receipts")).AssertProblem(HttpStatusCode.NotFound, "no dataset 'elsewhere'");
        await (await explorer.GetAsync("/api/datasets/elsewhere/tables")).AssertProblem(HttpStatusCode.NotFound, "no dataset 'elsewhere'");
        await (await explorer.GetAsync("/api/datasets/synthetic/tables/receipts?labels=fr")).AssertProblem(HttpStatusCode.BadRequest, "labels 'fr'");
        await (await explorer.GetAsync("/api/datasets/synthetic/tables/receipts%27%3B%20--")).AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync("/api/datasets/synthetic/tables/receipts")).StatusCode);
    }
}
