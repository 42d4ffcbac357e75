using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Claims.Sandbox.Tests;

/// <summary>
/// Every role against every endpoint, with the real project access: anonymous, an explorer, the analyst who owns
/// an approved project, another analyst, a policymaker and an admin. One table of expected statuses; a failure
/// lists every cell that differs.
/// </summary>
public class AccessMatrixTests(SandboxFactory factory) : IClassFixture<SandboxFactory>
{
    private const string Query = """{"from": "receipts", "groupBy": ["sex"], "select": [{"count": "*", "as": "claims"}]}""";
    private const string Cohort = """{"name": "diabetes", "entry": {"table": "diagnoses", "where": {"col": "icd10", "prefix": "E11"}}}""";
    private static readonly string[] s_roles = ["anonymous", "explorer", "owner", "other analyst", "policymaker", "admin"];

    [Fact]
    public async Task Each_role_gets_exactly_its_access_on_every_endpoint()
    {
        var admin = factory.Admin();
        var keys = new Dictionary<string, string?> { ["anonymous"] = null, ["admin"] = SandboxData.AdminKey };
        foreach (var (name, role) in new[] { ("explorer", "explorer"), ("owner", "analyst"), ("other analyst", "analyst"), ("policymaker", "policymaker") })
            keys[name] = (await admin.NewUser(role)).Key;
        var owner = factory.Client(keys["owner"]);
        var project = await owner.NewApprovedProject(admin);
        var otherProject = await factory.Client(keys["other analyst"]).NewProject(["restricted"]);
        var job = await owner.Submit(project, "synthetic", SandboxApi.Diabetes, ["receipts"]);
        await owner.WaitForJob(job);

        // Expected status per role, in the order of s_roles.
        var rows = new (string Method, string Path, string? Body, int[] Expected)[]
        {
            ("GET", "/api/me", null, [401, 200, 200, 200, 200, 200]),
            ("GET", "/api/datasets", null, [401, 200, 200, 200, 200, 200]),
            ("GET", "/api/datasets/synthetic/schema?search=E11", null, [401, 200, 200, 200, 200, 200]),
            ("GET", "/api/datasets/restricted/tables", null, [401, 200, 200, 200, 200, 200]),
            ("GET", "/api/datasets/synthetic/tables/receipts", null, [401, 200, 200, 200, 200, 200]),
            ("GET", $"/api/datasets/restricted/tables/receipts?project={project}", null, [401, 403, 403, 403, 403, 403]),
            ("POST", "/api/datasets/synthetic/query", Query, [401, 200, 200, 200, 200, 200]),
            ("POST", $"/api/datasets/restricted/query?project={project}", Query, [401, 403, 200, 403, 403, 403]),
            ("POST", "/api/datasets/synthetic/sql", """{"sql": "SELECT count(*) FROM receipts"}""", [401, 200, 200, 200, 200, 200]),
            ("POST", "/api/datasets/restricted/sql", """{"sql": "SELECT count(*) FROM receipts"}""", [401, 403, 403, 403, 403, 403]),
            ("POST", "/api/datasets/synthetic/cohorts/count", Cohort, [401, 200, 200, 200, 200, 200]),
            ("POST", $"/api/datasets/restricted/cohorts/count?project={project}", Cohort, [401, 403, 200, 403, 403, 403]),
            ("GET", "/api/dashboards/costs", null, [401, 403, 403, 403, 200, 200]),
            ("GET", "/api/dashboards/indicators", null, [401, 200, 200, 200, 200, 200]),
            ("GET", "/api/dashboards/indicators/spending_per_capita", null, [401, 200, 200, 200, 200, 200]),
            ("GET", "/api/dashboards/indicators/checkup_participation?dataset=restricted&format=csv", null, [401, 403, 403, 403, 200, 200]),
            ("GET", "/api/projects", null, [401, 200, 200, 200, 403, 200]),
            ("GET", $"/api/projects/{project}", null, [401, 404, 200, 404, 403, 200]),
            ("POST", "/api/projects", """{"title": "t", "purpose": "p", "datasets": ["restricted"]}""", [401, 403, 201, 201, 403, 403]),
            ("POST", "/api/projects", """{"title": "t", "purpose": "p", "datasets": ["synthetic"]}""", [401, 201, 201, 201, 403, 403]),
            ("POST", $"/api/projects/{project}/models", $$"""{"dataset": "synthetic", "spec": {{SandboxApi.ModelSpec}}}""", [401, 403, 202, 403, 403, 403]),
            ("POST", $"/api/projects/{otherProject}/approve", $$"""{"expiresAt": "{{DateTimeOffset.UtcNow.AddDays(1):O}}"}""", [401, 403, 403, 403, 403, 200]),
            ("POST", $"/api/projects/{project}/extracts", $$"""{"dataset": "restricted", "cohort": {{Cohort}}, "tables": ["receipts"], "format": "csv"}""", [401, 403, 202, 403, 403, 403]),
            ("GET", "/api/jobs?kind=extract", null, [401, 200, 200, 200, 200, 200]),
            ("GET", $"/api/jobs/{job}", null, [401, 404, 200, 404, 404, 200]),
            ("GET", $"/api/jobs/{job}/download", null, [401, 404, 200, 404, 404, 200]),
            ("GET", "/api/users", null, [401, 403, 403, 403, 403, 200]),
            ("POST", "/api/users", """{"name": "n", "role": "explorer"}""", [401, 403, 403, 403, 403, 201]),
            ("GET", "/api/audit", null, [401, 403, 403, 403, 403, 200]),
            ("GET", "/api/audit/verify", null, [401, 403, 403, 403, 403, 200]),
        };
        var wrong = new List<string>();
        foreach (var (method, path, body, expected) in rows)
        {
            for (var r = 0; r < s_roles.Length; r++)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                var response = await factory.Client(keys[s_roles[r]]).SendAsync(request);
                var status = (int)response.StatusCode;
                if (status != expected[r]) wrong.Add($"{method} {path} as {s_roles[r]}: {status}, expected {expected[r]}: {await response.Content.ReadAsStringAsync()}");
                if (status >= 400) Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.True((await admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/audit/verify")).GetProperty("ok").GetBoolean());
    }
}
