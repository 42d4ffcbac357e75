using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Claims.Engine.Privacy;
using Claims.Sandbox.Dashboards;
using Claims.Sandbox.Jobs;
using Claims.Sandbox.Storage;
using Claims.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Claims.Sandbox.Tests;

/// <summary>What an independent review of the service found, each kept found.</summary>
public class HardeningTests(SandboxFactory factory) : IClassFixture<SandboxFactory>
{
    [Fact]
    public async Task Restricted_rows_are_not_downloaded_after_a_rejection_nor_by_an_admin()
    {
        var admin = factory.Admin();
        var analyst = factory.Client((await admin.NewUser("analyst")).Key);
        var project = await analyst.NewApprovedProject(admin);
        var job = await analyst.Submit(project, "restricted", SandboxApi.Diabetes, ["receipts"]);
        Assert.Equal("succeeded", (await analyst.WaitForJob(job)).GetProperty("status").GetString());
        await analyst.DownloadVerified(job);
        await (await admin.GetAsync($"/api/jobs/{job}/download")).AssertProblem(HttpStatusCode.Forbidden, "not yours");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/jobs/{job}")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/projects/{project}/reject", null)).StatusCode);
        await (await analyst.GetAsync($"/api/jobs/{job}/download")).AssertProblem(HttpStatusCode.Forbidden, "rejected");
    }

    [Fact]
    public async Task Refused_requests_are_audited_with_the_status_the_caller_got_and_the_project_named()
    {
        var admin = factory.Admin();
        var analyst = factory.Client((await admin.NewUser("analyst")).Key);
        var project = await analyst.NewProject(["restricted"]);
        var refused = await analyst.PostAsync($"/api/datasets/restricted/query?project={project}",
            new StringContent("""{"from": "receipts", "select": [{"count": "*", "as": "n"}]}""", Encoding.UTF8, "application/json"));
        await refused.AssertProblem(HttpStatusCode.Forbidden, "pending");
        var bad = await analyst.PostAsync("/api/datasets/synthetic/query", new StringContent("""{"from": "nope"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        var entries = (await admin.GetFromJsonAsync<JsonElement>("/api/audit?limit=10000")).GetProperty("entries").EnumerateArray().ToArray();
        var forbidden = entries.Last(e => e.GetProperty("endpoint").GetString() == "/api/datasets/restricted/query");
        Assert.Equal(403, forbidden.GetProperty("status").GetInt32());
        Assert.Equal(project, forbidden.GetProperty("projectId").GetString());
        Assert.Equal(400, entries.Last(e => e.GetProperty("endpoint").GetString() == "/api/datasets/synthetic/query").GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("/api/datasets/synthetic/query", """{"from": "\udc00", "select": [{"count": "*", "as": "n"}]}""")]
    [InlineData("/api/datasets/synthetic/cohorts/count", """{"name": "\ud800", "entry": {"table": "drugs"}}""")]
    [InlineData("/api/datasets/synthetic/query", """{"from": "diagnoses", "where": {"col": "icd10", "prefix": "\ud800"}, "select": [{"count": "*", "as": "n"}]}""")]
    public async Task Text_that_is_not_valid_Unicode_is_a_400_not_a_500(string path, string body)
    {
        var explorer = factory.Client((await factory.Admin().NewUser("explorer")).Key);
        await (await explorer.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"))).AssertProblem(HttpStatusCode.BadRequest, "not valid Unicode");
    }

    [Fact]
    public async Task A_project_approved_for_some_tables_reads_only_those()
    {
        var admin = factory.Admin();
        var analyst = factory.Client((await admin.NewUser("analyst")).Key);
        var project = await analyst.NewProject(["restricted"], ["receipts", "diagnoses"]);
        Assert.Equal(HttpStatusCode.OK, (await admin.Approve(project, DateTimeOffset.UtcNow.AddDays(1))).StatusCode);
        HttpContent Json(string body) => new StringContent(body, Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.OK, (await analyst.PostAsync($"/api/datasets/restricted/query?project={project}",
            Json("""{"from": "receipts", "select": [{"count": "*", "as": "n"}]}"""))).StatusCode);
        await (await analyst.PostAsync($"/api/datasets/restricted/query?project={project}",
            Json("""{"from": "receipts", "where": {"exists": {"from": "drugs"}}, "select": [{"count": "*", "as": "n"}]}"""))).AssertProblem(HttpStatusCode.Forbidden, "not drugs");
        await (await analyst.PostAsync($"/api/datasets/restricted/cohorts/count?project={project}", Json(File.ReadAllText(
            Path.Combine(RepoPaths.DataSchemas, "examples", "new-users-of-diabetes-drugs.cohort.json"))))).AssertProblem(HttpStatusCode.Forbidden, "not drugs");
    }

    [Fact]
    public async Task Restricted_data_is_not_grouped_by_an_identifier()
    {
        var admin = factory.Admin();
        var analyst = factory.Client((await admin.NewUser("analyst")).Key);
        var project = await analyst.NewApprovedProject(admin);
        var response = await analyst.PostAsync($"/api/datasets/restricted/query?project={project}",
            new StringContent("""{"from": "receipts", "groupBy": ["patient_id"], "select": [{"count": "*", "as": "n"}]}""", Encoding.UTF8, "application/json"));
        await response.AssertProblem(HttpStatusCode.BadRequest, "identifies patients");
    }

    [Fact]
    public async Task SQL_results_are_capped_in_bytes_and_EXPLAIN_ANALYZE_is_refused()
    {
        var explorer = factory.Client((await factory.Admin().NewUser("explorer")).Key);
        var huge = await explorer.PostAsJsonAsync("/api/datasets/synthetic/sql", new { sql = "SELECT repeat('x', 5000000) FROM range(20)" });
        Assert.Equal(HttpStatusCode.OK, huge.StatusCode);
        var result = await huge.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(result.GetProperty("truncated").GetBoolean());
        Assert.True(result.GetProperty("rows").GetArrayLength() < 20);
        await (await explorer.PostAsJsonAsync("/api/datasets/synthetic/sql", new { sql = "EXPLAIN ANALYZE SELECT 1" })).AssertProblem(HttpStatusCode.BadRequest, "EXPLAIN ANALYZE");
    }

    [Fact]
    public async Task A_missing_body_or_media_type_is_a_problem_that_says_so()
    {
        var explorer = factory.Client((await factory.Admin().NewUser("explorer")).Key);
        await (await explorer.PostAsync("/api/datasets/synthetic/sql", new StringContent("", Encoding.UTF8, "application/json"))).AssertProblem(HttpStatusCode.BadRequest);
        await (await explorer.PostAsync("/api/datasets/synthetic/sql", new StringContent("{\"sql\": \"SELECT 1\"}", Encoding.UTF8, "text/plain")))
            .AssertProblem(HttpStatusCode.UnsupportedMediaType, "Content-Type: application/json");
    }

    [Fact]
    public async Task The_rate_limit_follows_the_user_whatever_the_header_spelling_and_no_one_else()
    {
        // A data folder of its own (the class's service writes the shared one's audit log, which has one writer), and
        // the users made through the unlimited service before the limited one starts on the same folder.
        using var sandbox = new SandboxFactory();
        using var limited = sandbox.WithWebHostBuilder(b => b.UseSetting("Sandbox:RequestsPerSecond", "1"));
        var admin = sandbox.Admin();
        var key = (await admin.NewUser("explorer")).Key;
        var other = limited.WithKey((await admin.NewUser("explorer")).Key);
        string[] spellings = ["Bearer", "bearer", "BEARER", "bEaReR", "BeArEr", "BEarer", "beARER", "bearER", "Bearer ", "Bearer  "];

        // Each spelling once: counted per spelling, every one would pass. The bucket holds one request and gains one
        // a second on the limiter's own clock (whose ticks may bunch under load: one more allowed), so the user gets
        // the first and about one more per second that passed.
        var started = Stopwatch.GetTimestamp();
        var statuses = new List<HttpStatusCode>();
        foreach (var scheme in spellings)
        {
            var client = limited.CreateClient();
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"{scheme} {key}");
            statuses.Add((await client.GetAsync("/api/me")).StatusCode);
        }
        var refills = (int)Stopwatch.GetElapsedTime(started).TotalSeconds + 2;
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"{s}"));
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), 1, 1 + refills);

        // Counted per address, the next user would be refused too: everyone here comes from the same one.
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public void A_job_interrupted_three_times_fails_instead_of_restarting_the_service_forever()
    {
        using var temp = new TempDirectory();
        var store = new JobStore(new SandboxDatabase(temp.Combine("db.sqlite")), TimeProvider.System);
        var job = store.Create("extract", null, "u_1", "{}");
        for (var run = 1; run <= JobStore.MaxAttempts; run++)
        {
            Assert.NotNull(store.Claim(job.Id));
            var queued = store.Requeue();
            Assert.Equal(run < JobStore.MaxAttempts, queued.Contains(job.Id));
        }
        var failed = store.Find(job.Id)!;
        Assert.Equal(Job.Failed, failed.Status);
        Assert.Contains("interrupted 3 times", failed.Error);
    }

    [Fact]
    public void A_disclosure_threshold_below_ten_stops_the_service_from_starting()
    {
        using var lowered = factory.WithWebHostBuilder(b => b.UseSetting("Sandbox:DisclosureThreshold", "5"));
        var error = Assert.Throws<InvalidOperationException>(() => lowered.CreateClient());
        Assert.Contains("releases need at least 10", error.Message);
    }

    [Fact]
    public void A_disclosure_margin_past_the_noise_stops_the_service_from_starting()
    {
        using var widened = factory.WithWebHostBuilder(b => b.UseSetting("Sandbox:DisclosureMargin", "6"));
        var error = Assert.Throws<InvalidOperationException>(() => widened.CreateClient());
        Assert.Contains("Sandbox:DisclosureMargin is 6; it must be from 0 to 5", error.Message);
    }

    [Fact]
    public async Task The_cost_chart_is_a_png_for_policymakers_only()
    {
        var admin = factory.Admin();
        var policymaker = factory.Client((await admin.NewUser("policymaker")).Key);
        var chart = await policymaker.GetAsync("/api/dashboards/costs.png");
        Assert.Equal(HttpStatusCode.OK, chart.StatusCode);
        Assert.Equal("image/png", chart.Content.Headers.ContentType?.MediaType);
        var bytes = await chart.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        Assert.True(bytes.Length > 5_000);
        var explorer = factory.Client((await admin.NewUser("explorer")).Key);
        await (await explorer.GetAsync("/api/dashboards/costs.png")).AssertProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_dashboard_is_built_once_per_policymaker_so_its_tables_are_recorded_once_in_their_ledger_project()
    {
        var user = await factory.Admin().NewUser("policymaker");
        var policymaker = factory.Client(user.Key);
        var project = IndicatorViews.LedgerProject((await policymaker.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("userId").GetString()!);
        var ledger = factory.Services.GetRequiredService<IReleaseLedger>();
        var first = await policymaker.GetStringAsync("/api/dashboards/costs");
        var recorded = ledger.Releases(project).Count;
        // Its four tables, each recorded when it was computed.
        Assert.Equal(4, recorded);

        Assert.Equal(first, await policymaker.GetStringAsync("/api/dashboards/costs"));
        Assert.Equal(HttpStatusCode.OK, (await policymaker.GetAsync("/api/dashboards/costs.png")).StatusCode);
        Assert.Equal(recorded, ledger.Releases(project).Count);
        // Another policymaker's dashboard is their own, recorded in their project and not in the first one's.
        var other = factory.Client((await factory.Admin().NewUser("policymaker")).Key);
        await other.GetStringAsync("/api/dashboards/costs");
        Assert.Equal(4, ledger.Releases(IndicatorViews.LedgerProject((await other.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("userId").GetString()!)).Count);
        Assert.Equal(recorded, ledger.Releases(project).Count);
    }
}
