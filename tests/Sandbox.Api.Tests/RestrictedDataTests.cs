using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Claims.Sandbox.Identity;
using Claims.Testing;

namespace Claims.Sandbox.Tests;

/// <summary>Restricted data through a project: disclosure control on queries, cohort counts and the policymakers' dashboard.</summary>
public class RestrictedDataTests(ProjectsFactory projects) : IClassFixture<ProjectsFactory>
{
    private const string ByPrefecture = """
        {"from": "receipts", "groupBy": ["prefecture"],
         "select": [{"count": "*", "as": "claims"}, {"sum": "total_points", "as": "points"}, {"count": "admission_date", "as": "admissions"}],
         "orderBy": [{"col": "prefecture"}]}
        """;

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static HttpRequestMessage InProject(string path, string body, string? project = FakeProjectAccess.Project)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) };
        if (project is not null) request.Headers.Add("X-Claims-Project", project);
        return request;
    }

    /// <summary>
    /// Every listed cell is null, every other aggregate cell is a number, no row is wholly suppressed (such rows are
    /// left out), and the rules are named.
    /// </summary>
    private static void AssertSuppressed(JsonElement table, int groupColumns, bool someSuppressed = true)
    {
        var rows = table.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().ToArray()).ToArray();
        var names = table.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToList();
        var suppressed = table.GetProperty("suppressed").EnumerateArray()
            .Select(s => (s.GetProperty("row").GetInt32(), names.IndexOf(s.GetProperty("column").GetString()!))).ToHashSet();
        if (someSuppressed) Assert.NotEmpty(suppressed);
        Assert.All(rows, row => Assert.Contains(row.Skip(groupColumns), v => v.ValueKind != JsonValueKind.Null));
        for (var r = 0; r < rows.Length; r++)
        for (var c = groupColumns; c < names.Count; c++)
            Assert.Equal(suppressed.Contains((r, c)), rows[r][c].ValueKind == JsonValueKind.Null);
        Assert.Contains(table.GetProperty("rules").EnumerateArray(), rule => rule.GetString()!.StartsWith("suppression: cells of fewer than 10"));
    }

    [Fact]
    public async Task An_analyst_in_a_project_gets_suppressed_cells_as_nulls_with_the_rules_and_the_audit_names_the_project()
    {
        var analyst = await projects.Factory.As(Roles.Analyst);
        var response = await analyst.SendAsync(InProject("/api/datasets/restricted/query", ByPrefecture));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        AssertSuppressed(body, groupColumns: 1);
        // The service shows a cell only where its perturbed count reaches the threshold plus its margin of 5.
        Assert.Contains(body.GetProperty("rules").EnumerateArray(), rule => rule.GetString()!.Contains("shown only if it stays at 15 or more"));

        var audit = (await projects.Factory.WithKey(SandboxData.AdminKey).GetFromJsonAsync<JsonElement>("/api/audit?limit=10000")).GetProperty("entries")
            .EnumerateArray().Last(e => e.GetProperty("endpoint").GetString() == "/api/datasets/restricted/query");
        Assert.Equal(FakeProjectAccess.Project, audit.GetProperty("projectId").GetString());
        Assert.Contains("suppression: cells of fewer than 10 patients", audit.GetProperty("suppression").GetString());
        Assert.Equal(body.GetProperty("rows").GetArrayLength(), audit.GetProperty("resultSize").GetInt64());
    }

    [Fact]
    public async Task The_project_comes_from_the_header_or_the_query_string_and_is_required()
    {
        var analyst = await projects.Factory.As(Roles.Analyst);
        Assert.Equal(HttpStatusCode.OK, (await analyst.PostAsync($"/api/datasets/restricted/query?project={FakeProjectAccess.Project}", Json(ByPrefecture))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.SendAsync(InProject("/api/datasets/restricted/query", ByPrefecture, project: null))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await analyst.SendAsync(InProject("/api/datasets/restricted/query", ByPrefecture, project: "elsewhere"))).StatusCode);
        var explorer = await projects.Factory.As(Roles.Explorer);
        Assert.Equal(HttpStatusCode.Forbidden, (await explorer.SendAsync(InProject("/api/datasets/restricted/query", ByPrefecture))).StatusCode);
        var bad = await analyst.SendAsync(InProject("/api/datasets/restricted/query", """{"from": "receipts", "select": [{"sum": "points", "as": "p"}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task A_restricted_cohort_count_releases_only_what_disclosure_control_allows()
    {
        var definition = File.ReadAllText(Path.Combine(RepoPaths.DataSchemas, "examples", "new-users-of-diabetes-drugs.cohort.json"));
        var analyst = await projects.Factory.As(Roles.Analyst);
        var response = await analyst.SendAsync(InProject("/api/datasets/restricted/cohorts/count", definition));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.NotEmpty(body.GetProperty("rules").EnumerateArray());
        var steps = body.GetProperty("attrition").EnumerateArray().ToArray();
        Assert.True(steps.Length > 1);
        foreach (var step in steps)
            foreach (var field in new[] { "remaining", "removed" })
            {
                var value = step.GetProperty(field);
                Assert.True(value.ValueKind == JsonValueKind.Null || value.GetInt64() == 0 || value.GetInt64() >= 10, $"{field} {value} released");
            }
        // The count is the last step's remaining, and the rules name no patient count.
        Assert.Equal(steps[^1].GetProperty("remaining").ToString(), body.GetProperty("count").ToString());
        Assert.Contains(body.GetProperty("rules").EnumerateArray(), r => r.GetString()!.StartsWith("perturbation (cell key method)", StringComparison.Ordinal));
        // Asked again, the same cohort gets the same counts.
        var again = await (await analyst.SendAsync(InProject("/api/datasets/restricted/cohorts/count", definition))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(body.GetProperty("attrition").ToString(), again.GetProperty("attrition").ToString());
    }

    [Fact]
    public async Task The_cost_dashboard_is_disclosure_controlled_and_for_policymakers_and_admins()
    {
        var policymaker = await projects.Factory.As(Roles.Policymaker);
        var response = await policymaker.GetAsync("/api/dashboards/costs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(10, body.GetProperty("yenPerPoint").GetInt32());
        // Prefectures under ten patients are left out rather than shown as x.
        AssertSuppressed(body.GetProperty("byPrefecture"), groupColumns: 1, someSuppressed: false);
        Assert.InRange(body.GetProperty("byPrefecture").GetProperty("rows").GetArrayLength(), 1, 47);
        Assert.Equal(6, body.GetProperty("monthly").GetProperty("rows").GetArrayLength());
        foreach (var table in new[] { "bySexAgeBand", "byClaimKind", "monthly" })
            Assert.Contains(body.GetProperty(table).GetProperty("rules").EnumerateArray(), r => r.GetString()!.StartsWith("suppression: cells of fewer than 10"));
        Assert.Equal(HttpStatusCode.OK, (await projects.Factory.WithKey(SandboxData.AdminKey).GetAsync("/api/dashboards/costs")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await projects.Factory.As(Roles.Analyst)).GetAsync("/api/dashboards/costs")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await projects.Factory.As(Roles.Explorer)).GetAsync("/api/dashboards/costs")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await projects.Factory.CreateClient().GetAsync("/api/dashboards/costs")).StatusCode);
    }
}
