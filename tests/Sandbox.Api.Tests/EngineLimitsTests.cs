using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Claims.Engine.Cohorts;
using Claims.Sandbox.Datasets;
using Claims.Sandbox.Hosting;
using Claims.Sandbox.Identity;
using Claims.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Claims.Sandbox.Tests;

/// <summary>
/// Engine queries and cohorts are bounded: in size before they run (rules, predicates, in-list values), and in time
/// while they run (the limit, or the caller going away, stops the engine). Every refusal is a 400 problem naming
/// the bound, never a 5xx.
/// </summary>
public sealed class EngineLimitsTests(ProjectsFactory projects) : IClassFixture<ProjectsFactory>
{
    private static readonly string s_cohort = File.ReadAllText(Path.Combine(RepoPaths.DataSchemas, "examples", "new-users-of-diabetes-drugs.cohort.json"));
    private const string Query = """{"from": "receipts", "groupBy": ["prefecture"], "select": [{"sum": "total_points", "as": "points"}]}""";

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static async Task<string> Problem(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
    }

    private static string Cohort(IEnumerable<string> rules) =>
        """{"name": "many rules", "entry": {"table": "drugs", "where": {"col": "drug_class", "eq": 396}}, "inclusion": [""" + string.Join(", ", rules) + "]}";

    private static string AgeRules(int count) => Cohort(Enumerable.Range(0, count).Select(i => $$"""{"name": "rule {{i}}", "age": [0, 120]}"""));

    private static string WhereQuery(string where) => $$"""{"from": "receipts", "where": {{where}}, "select": [{"count": "*", "as": "n"}]}""";

    [Fact]
    public async Task A_cohort_of_1500_rules_is_refused_before_it_runs_and_one_at_the_bound_runs()
    {
        var explorer = await projects.Factory.As(Roles.Explorer);
        var events = Cohort(Enumerable.Range(0, 1_500).Select(i =>
            $$"""{"name": "rule {{i}}", "table": "drugs", "where": {"col": "drug_class", "eq": 396}, "windowMonths": [-{{i % 12}}, 0]}"""));
        var detail = await Problem(await explorer.PostAsync("/api/datasets/synthetic/cohorts/count", Json(events)));
        Assert.Contains("1,500 inclusion and exclusion rules", detail);
        Assert.Contains($"limit here is {RequestSize.MaxRules}", detail);
        Assert.Contains($"{RequestSize.MaxRules + 1:N0}", await Problem(await explorer.PostAsync("/api/datasets/synthetic/cohorts/count", Json(AgeRules(RequestSize.MaxRules + 1)))));

        var atBound = await explorer.PostAsync("/api/datasets/synthetic/cohorts/count", Json(AgeRules(RequestSize.MaxRules)));
        Assert.Equal(HttpStatusCode.OK, atBound.StatusCode);
        Assert.Equal(RequestSize.MaxRules + 1, (await atBound.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("attrition").GetArrayLength());
    }

    [Fact]
    public async Task Queries_past_the_predicate_and_list_bounds_are_refused_naming_them_and_those_at_the_bounds_run()
    {
        var explorer = await projects.Factory.As(Roles.Explorer);
        async Task<HttpResponseMessage> Ask(string where) => await explorer.PostAsync("/api/datasets/synthetic/query", Json(WhereQuery(where)));
        // An or of n column tests is n + 1 predicates.
        string Ors(int n) => $$"""{"or": [{{string.Join(", ", Enumerable.Range(0, n).Select(i => $$"""{"col": "age", "eq": {{i}}}"""))}}]}""";
        string In(int n) => $$"""{"col": "age", "in": [{{string.Join(", ", Enumerable.Range(0, n))}}]}""";

        Assert.Contains($"more than {RequestSize.MaxPredicates:N0} predicates", await Problem(await Ask(Ors(RequestSize.MaxPredicates))));
        Assert.Equal(HttpStatusCode.OK, (await Ask(Ors(RequestSize.MaxPredicates - 1))).StatusCode);
        var list = await Problem(await Ask(In(RequestSize.MaxListValues + 1)));
        Assert.Contains($"list on age has {RequestSize.MaxListValues + 1:N0} values", list);
        Assert.Contains($"limit here is {RequestSize.MaxListValues:N0}", list);
        Assert.Equal(HttpStatusCode.OK, (await Ask(In(RequestSize.MaxListValues))).StatusCode);
        // Each exists builds a set of every month's receipt ids.
        string Exists(int n) => $$"""{"and": [{{string.Join(", ", Enumerable.Repeat("""{"exists": {"from": "diagnoses"}}""", n))}}]}""";
        Assert.Contains($"more than {RequestSize.MaxReceiptSets} exists, parent, patientMonth, firstEvent and firstOfReceipt tests", await Problem(await Ask(Exists(RequestSize.MaxReceiptSets + 1))));
        Assert.Equal(HttpStatusCode.OK, (await Ask(Exists(RequestSize.MaxReceiptSets))).StatusCode);

        // A cohort's where trees count together, entry and rules alike.
        var rules = Enumerable.Range(0, 2).Select(i => $$"""{"name": "rule {{i}}", "table": "receipts", "where": """ + Ors(RequestSize.MaxPredicates / 2) + "}");
        Assert.Contains("cohort's where trees", await Problem(await explorer.PostAsync("/api/datasets/synthetic/cohorts/count", Json(Cohort(rules)))));
    }

    [Fact]
    public async Task Past_the_time_limit_queries_and_cohorts_stop_with_a_problem_naming_the_limit()
    {
        // A service of its own: the audit log has one writer per data folder.
        using var own = new ProjectsFactory();
        using var lapsed = own.Factory.WithWebHostBuilder(b => b
            .UseSetting("Sandbox:EngineTimeoutSeconds", "2.5")
            .ConfigureTestServices(s => s.AddSingleton(sp => new EngineTimeLimit(sp.GetRequiredService<IOptions<SandboxOptions>>(), new LapsedClock()))));
        var explorer = await lapsed.As(Roles.Explorer);
        Assert.Contains("the query exceeded 2.5 s", await Problem(await explorer.PostAsync("/api/datasets/synthetic/query", Json(Query))));
        Assert.Contains("the cohort exceeded 2.5 s", await Problem(await explorer.PostAsync("/api/datasets/synthetic/cohorts/count", Json(s_cohort))));
        var analyst = await lapsed.As(Roles.Analyst);
        Assert.Contains("the cohort exceeded 2.5 s", await Problem(await analyst.PostAsync(
            $"/api/datasets/restricted/cohorts/count?project={FakeProjectAccess.Project}", Json(s_cohort))));

        // The same requests under the real clock answer.
        var unlimited = await projects.Factory.As(Roles.Explorer);
        Assert.Equal(HttpStatusCode.OK, (await unlimited.PostAsync("/api/datasets/synthetic/query", Json(Query))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await unlimited.PostAsync("/api/datasets/synthetic/cohorts/count", Json(s_cohort))).StatusCode);
    }

    [Fact]
    public void A_caller_gone_stops_the_engine_and_is_no_time_limit_refusal()
    {
        var limit = projects.Factory.Services.GetRequiredService<EngineTimeLimit>();
        var dataset = projects.Factory.Services.GetRequiredService<DatasetRegistry>().Get(DatasetRegistry.Synthetic);
        var definition = CohortParser.Parse("""{"name": "seen twice", "entry": {"table": "receipts"}, "inclusion": [{"name": "two receipts", "table": "receipts", "minCount": 2}]}""",
            dataset.Schema);
        Assert.ThrowsAny<OperationCanceledException>(() =>
            limit.Run("cohort", token => dataset.BuildCohort(definition, token), new CancellationToken(canceled: true)));
        Assert.True(limit.Run("cohort", token => dataset.BuildCohort(definition, token), CancellationToken.None).Count > 0);
    }
}
