using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Claims.Engine.Cohorts;
using Claims.Engine.Query;
using Claims.Sandbox.Audit;
using Claims.Sandbox.Datasets;
using Claims.Sandbox.Identity;
using Claims.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Claims.Sandbox.Tests;

/// <summary>The dataset endpoints on a service without the projects feature: public data works, restricted data is refused.</summary>
public class DatasetsApiTests(SandboxFactory factory) : IClassFixture<SandboxFactory>
{
    private const string SexQuery = """
        {"from": "receipts", "where": {"col": "service_month", "ge": 202305}, "groupBy": ["sex"],
         "select": [{"count": "*", "as": "claims"}, {"sum": "total_points", "as": "points"}, {"countDistinct": "patient_id", "as": "patients"}],
         "orderBy": [{"col": "sex"}]}
        """;

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> Body(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    private static async Task<string> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        return (await Body(response)).GetProperty("detail").GetString()!;
    }

    [Fact]
    public async Task Datasets_are_listed_with_size_provenance_and_whether_the_caller_may_query_them()
    {
        var explorer = await factory.As(Roles.Explorer);
        var list = (await explorer.GetFromJsonAsync<JsonElement>("/api/datasets")).EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!);
        Assert.Equal(["synthetic", "restricted"], list.Keys);
        var synthetic = list["synthetic"];
        Assert.Equal("public", synthetic.GetProperty("access").GetString());
        Assert.True(synthetic.GetProperty("synthetic").GetBoolean());
        Assert.True(synthetic.GetProperty("queryable").GetBoolean());
        Assert.Equal([202304, 202305, 202306, 202307, 202308, 202309], synthetic.GetProperty("months").EnumerateArray().Select(m => m.GetInt32()));
        var registry = factory.Services.GetRequiredService<DatasetRegistry>();
        Assert.Equal(registry.Get("synthetic").RowCount, synthetic.GetProperty("rows").GetInt64());
        Assert.InRange(synthetic.GetProperty("patients").GetInt64(), 1_500, 2_500);
        Assert.Equal("restricted", list["restricted"].GetProperty("access").GetString());
        Assert.False(list["restricted"].GetProperty("queryable").GetBoolean());

        var analyst = await factory.As(Roles.Analyst);
        var seen = (await analyst.GetFromJsonAsync<JsonElement>("/api/datasets")).EnumerateArray().Single(d => d.GetProperty("name").GetString() == "restricted");
        Assert.True(seen.GetProperty("queryable").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync("/api/datasets")).StatusCode);
    }

    [Fact]
    public async Task The_schema_lists_tables_and_its_search_finds_codes_by_name_and_code()
    {
        var explorer = await factory.As(Roles.Explorer);
        var schema = await explorer.GetFromJsonAsync<JsonElement>("/api/datasets/synthetic/schema");
        Assert.Equal(8, schema.GetProperty("schema").GetProperty("tables").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, schema.GetProperty("search").ValueKind);

        var byName = (await explorer.GetFromJsonAsync<JsonElement>("/api/datasets/synthetic/schema?search=糖尿病")).GetProperty("search");
        var matches = byName.GetProperty("matches").EnumerateArray().ToArray();
        Assert.Equal(DatasetsApi.DefaultSearchLimit, matches.Length);
        Assert.True(byName.GetProperty("truncated").GetBoolean());
        Assert.All(matches, m => Assert.Contains("糖尿病", m.GetProperty("name").GetString()));

        var byIcd = (await explorer.GetFromJsonAsync<JsonElement>("/api/datasets/synthetic/schema?search=e11&limit=500")).GetProperty("search");
        var diseases = byIcd.GetProperty("matches").EnumerateArray().Where(m => m.GetProperty("source").GetString() == "master:diseases").ToArray();
        Assert.NotEmpty(diseases);
        Assert.All(diseases, d => Assert.Contains(d.GetProperty("values").EnumerateObject(), v => v.Name.StartsWith("icd10") && v.Value.GetString()!.StartsWith("E11")));

        var halfWidth = (await explorer.GetFromJsonAsync<JsonElement>("/api/datasets/synthetic/schema?search=2型糖尿病")).GetProperty("search");
        Assert.Contains(halfWidth.GetProperty("matches").EnumerateArray(), m => m.GetProperty("code").GetString() == "2500015");
        var prefecture = (await explorer.GetFromJsonAsync<JsonElement>("/api/datasets/synthetic/schema?search=Tokyo")).GetProperty("search");
        Assert.Contains(prefecture.GetProperty("matches").EnumerateArray(), m => m.GetProperty("source").GetString() == "enum:prefecture" && m.GetProperty("code").GetString() == "13");

        await Problem(await explorer.GetAsync("/api/datasets/nope/schema"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_synthetic_query_answers_what_the_engine_answers_and_is_audited()
    {
        var explorer = await factory.As(Roles.Explorer);
        var response = await explorer.PostAsync("/api/datasets/synthetic/query", Json(SexQuery));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Body(response);
        Assert.Equal(["sex:int64", "claims:int64", "points:int64", "patients:int64"],
            body.GetProperty("columns").EnumerateArray().Select(c => $"{c.GetProperty("name").GetString()}:{c.GetProperty("type").GetString()}"));
        var dataset = factory.Services.GetRequiredService<DatasetRegistry>().Get("synthetic");
        var expected = dataset.Execute(QueryParser.Parse(SexQuery, dataset.Schema));
        var rows = body.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, rows.Length);
        for (var r = 0; r < rows.Length; r++)
        for (var c = 0; c < expected.ColumnCount; c++)
            Assert.Equal(Convert.ToDecimal(ArrowValues.Value(expected.Column(c), r)), rows[r][c].GetDecimal());
        Assert.Empty(body.GetProperty("suppressed").EnumerateArray());
        Assert.Empty(body.GetProperty("rules").EnumerateArray());
        Assert.True(body.GetProperty("elapsedMs").GetDouble() >= 0);

        var audit = (await factory.Admin().GetFromJsonAsync<JsonElement>("/api/audit?limit=10000")).GetProperty("entries").EnumerateArray()
            .Last(e => e.GetProperty("endpoint").GetString() == "/api/datasets/synthetic/query");
        Assert.Equal(AuditDetails.HashOf(SexQuery), audit.GetProperty("subjectHash").GetString());
        Assert.Equal(rows.Length, audit.GetProperty("resultSize").GetInt64());
        Assert.Equal(Roles.Explorer, audit.GetProperty("role").GetString());
    }

    [Theory]
    [InlineData("{\"from\": \"receipts\", ", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("{\"from\": \"recepits\", \"select\": [{\"count\": \"*\", \"as\": \"n\"}]}", "recepits")]
    [InlineData("{\"from\": \"receipts\", \"where\": {\"col\": \"icd10\", \"eq\": \"E11\"}, \"select\": [{\"count\": \"*\", \"as\": \"n\"}]}", "icd10")]
    [InlineData("{\"from\": \"receipts\", \"where\": {\"col\": \"prefecture\", \"eq\": 48}, \"select\": [{\"count\": \"*\", \"as\": \"n\"}]}", "48")]
    [InlineData("{\"from\": \"receipts\", \"where\": {\"col\": \"sex\", \"equals\": 1}, \"select\": [{\"count\": \"*\", \"as\": \"n\"}]}", "equals")]
    public async Task A_bad_query_is_a_400_naming_what_is_wrong(string query, string named)
    {
        var explorer = await factory.As(Roles.Explorer);
        Assert.Contains(named, await Problem(await explorer.PostAsync("/api/datasets/synthetic/query", Json(query)), HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Unknown_datasets_missing_keys_and_restricted_data_without_a_project_are_refused()
    {
        var explorer = await factory.As(Roles.Explorer);
        Assert.Contains("nope", await Problem(await explorer.PostAsync("/api/datasets/nope/query", Json(SexQuery)), HttpStatusCode.NotFound));
        await Problem(await explorer.PostAsync("/api/datasets/nope/cohorts/count", Json("{}")), HttpStatusCode.NotFound);
        await Problem(await factory.CreateClient().PostAsync("/api/datasets/synthetic/query", Json(SexQuery)), HttpStatusCode.Unauthorized);
        Assert.Contains("restricted", await Problem(await explorer.PostAsync("/api/datasets/restricted/query", Json(SexQuery)), HttpStatusCode.Forbidden));
        await Problem(await explorer.PostAsync("/api/datasets/restricted/cohorts/count", Json("{}")), HttpStatusCode.Forbidden);
        var policymaker = await factory.As(Roles.Policymaker);
        await Problem(await policymaker.PostAsync("/api/datasets/restricted/query", Json(SexQuery)), HttpStatusCode.Forbidden);
        // An analyst must name a project, and be refused in words, never with a 500.
        var analyst = await factory.As(Roles.Analyst);
        Assert.Contains("inside a project", await Problem(await analyst.PostAsync("/api/datasets/restricted/query", Json(SexQuery)), HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task A_synthetic_cohort_count_gives_the_engines_attrition()
    {
        var definition = File.ReadAllText(Path.Combine(RepoPaths.DataSchemas, "examples", "new-users-of-diabetes-drugs.cohort.json"));
        var explorer = await factory.As(Roles.Explorer);
        var response = await explorer.PostAsync("/api/datasets/synthetic/cohorts/count", Json(definition));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Body(response);
        var dataset = factory.Services.GetRequiredService<DatasetRegistry>().Get("synthetic");
        var cohort = dataset.BuildCohort(CohortParser.Parse(definition, dataset.Schema));
        Assert.Equal(cohort.Name, body.GetProperty("name").GetString());
        Assert.Equal(cohort.Count, body.GetProperty("count").GetInt64());
        Assert.Equal(cohort.Attrition.Select(s => (s.Rule, s.Remaining, s.Removed)),
            body.GetProperty("attrition").EnumerateArray().Select(s => (s.GetProperty("rule").GetString()!, s.GetProperty("remaining").GetInt64(), s.GetProperty("removed").GetInt64())));
        Assert.Empty(body.GetProperty("rules").EnumerateArray());

        var bad = await explorer.PostAsync("/api/datasets/synthetic/cohorts/count",
            Json("""{"name": "x", "entry": {"table": "diagnoses", "where": {"col": "icd", "prefix": "E11"}}}"""));
        Assert.Contains("icd", await Problem(bad, HttpStatusCode.BadRequest));
        Assert.Contains("not valid JSON", await Problem(await explorer.PostAsync("/api/datasets/synthetic/cohorts/count", Json("{")), HttpStatusCode.BadRequest));
    }
}
