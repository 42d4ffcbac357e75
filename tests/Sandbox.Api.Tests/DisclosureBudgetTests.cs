using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Claims.Sandbox.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Claims.Sandbox.Tests;

/// <summary>
/// A project's disclosure budget through the service: shown on the project, spent by each new figure (not by
/// repeats), refused with a problem once spent, and raised by an admin's grant alone.
/// </summary>
public class DisclosureBudgetTests(SandboxFactory factory) : IClassFixture<SandboxFactory>
{
    private const string ByClaimKind = """{"from": "receipts", "groupBy": ["claim_kind"], "select": [{"countDistinct": "patient_id", "as": "patients"}, {"sum": "total_points", "as": "points"}]}""";

    private static async Task<HttpResponseMessage> Query(HttpClient analyst, string project, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/datasets/restricted/query") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Claims-Project", project);
        return await analyst.SendAsync(request);
    }

    private static async Task<JsonElement> Budget(HttpClient client, string project) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/projects/{project}")).GetProperty("budget");

    [Fact]
    public async Task Each_new_figure_is_spent_once_and_a_spent_budget_is_refused_until_an_admin_grants_more()
    {
        var admin = factory.Admin();
        var analyst = factory.Client((await admin.NewUser("analyst")).Key);
        var project = await analyst.NewApprovedProject(admin);
        var start = await Budget(analyst, project);
        Assert.Equal((20_000, 0, 20_000), (start.GetProperty("granted").GetInt64(), start.GetProperty("spent").GetInt64(), start.GetProperty("left").GetInt64()));

        var first = await (await Query(analyst, project, ByClaimKind)).Content.ReadFromJsonAsync<JsonElement>();
        var cells = first.GetProperty("rows").EnumerateArray().Sum(r => r.GetArrayLength() - 1);
        Assert.True(cells > 0);
        Assert.Equal(cells, (await Budget(analyst, project)).GetProperty("spent").GetInt64());
        // The same figures again: the same answer, charged alike (a free repeat would say that two releases agree).
        var again = await (await Query(analyst, project, ByClaimKind)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(first.GetProperty("rows").ToString(), again.GetProperty("rows").ToString());
        var shown = 2 * cells;
        Assert.Equal(shown, (await Budget(admin, project)).GetProperty("spent").GetInt64());

        // Granted no more than has been spent, the next release is refused, and nothing is shown of it.
        using (var connection = factory.Services.GetRequiredService<SandboxDatabase>().Open())
            SandboxDatabase.Execute(connection, "UPDATE projects SET budget = $budget WHERE id = $id", ("$budget", shown), ("$id", project));
        const string bySex = """{"from": "receipts", "groupBy": ["sex"], "select": [{"countDistinct": "patient_id", "as": "patients"}]}""";
        await (await Query(analyst, project, bySex)).AssertProblem(HttpStatusCode.Forbidden, "has spent its disclosure budget");
        await (await Query(analyst, project, ByClaimKind)).AssertProblem(HttpStatusCode.Forbidden, "has spent its disclosure budget");

        await (await analyst.PostAsJsonAsync($"/api/projects/{project}/budget", new { figures = 100 })).AssertProblem(HttpStatusCode.Forbidden);
        await (await admin.PostAsJsonAsync($"/api/projects/{project}/budget", new { figures = 0 })).AssertProblem(HttpStatusCode.BadRequest, "figures must be a whole number");
        await (await admin.PostAsJsonAsync($"/api/projects/{project}/budget", new { })).AssertProblem(HttpStatusCode.BadRequest, "figures must be a whole number");
        await (await admin.PostAsJsonAsync("/api/projects/p_nobody/budget", new { figures = 5 })).AssertProblem(HttpStatusCode.NotFound);
        var granted = await (await admin.PostAsJsonAsync($"/api/projects/{project}/budget", new { figures = 100 })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(shown + 100, granted.GetProperty("budget").GetProperty("granted").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await Query(analyst, project, bySex)).StatusCode);
        // The admin sees every project's spend.
        var listed = (await admin.GetFromJsonAsync<JsonElement>("/api/projects")).EnumerateArray().Single(p => p.GetProperty("id").GetString() == project);
        Assert.True(listed.GetProperty("budget").GetProperty("spent").GetInt64() > shown);
    }

    [Fact]
    public async Task Extremes_and_identifying_aggregates_are_refused_with_a_problem_naming_them()
    {
        var admin = factory.Admin();
        var analyst = factory.Client((await admin.NewUser("analyst")).Key);
        var project = await analyst.NewApprovedProject(admin);
        await (await Query(analyst, project, """{"from": "receipts", "select": [{"max": "total_points", "as": "top"}]}"""))
            .AssertProblem(HttpStatusCode.BadRequest, "'top' (max of total_points): min and max are refused on restricted data");
        await (await Query(analyst, project, """{"from": "receipts", "select": [{"avg": "birth_ym", "as": "born"}]}"""))
            .AssertProblem(HttpStatusCode.BadRequest, "'birth_ym' identifies patients, records or facilities");
        // The same query on the synthetic data is answered exactly: the rules guard restricted data only.
        Assert.Equal(HttpStatusCode.OK, (await analyst.PostAsync("/api/datasets/synthetic/query",
            new StringContent("""{"from": "receipts", "select": [{"max": "total_points", "as": "top"}]}""", Encoding.UTF8, "application/json"))).StatusCode);
    }
}
