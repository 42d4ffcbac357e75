using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Claims.Sandbox.Tests;

/// <summary>Projects, their extracts and jobs, on a service whose clock and job worker the tests drive.</summary>
public class ProjectsApiTests(ControlledSandbox factory) : IClassFixture<ControlledSandbox>
{
    [Fact]
    public async Task A_restricted_extract_waits_for_approval_then_downloads_as_a_verified_zip()
    {
        var admin = factory.Admin();
        var analyst = factory.Client((await admin.NewUser("analyst")).Key);
        var id = await analyst.NewProject(["restricted"]);
        var project = await analyst.GetFromJsonAsync<JsonElement>($"/api/projects/{id}");
        Assert.Equal("pending", project.GetProperty("status").GetString());
        Assert.DoesNotContain("key", project.GetRawText(), StringComparison.OrdinalIgnoreCase);

        await (await analyst.Extract(id, "restricted", SandboxApi.Diabetes, ["receipts"])).AssertProblem(HttpStatusCode.Forbidden, "pending");
        await (await admin.Approve(id, factory.Clock.GetUtcNow().AddMinutes(-1))).AssertProblem(HttpStatusCode.BadRequest, "not in the future");
        var approved = await (await admin.Approve(id, factory.Clock.GetUtcNow().AddDays(30))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("approved", approved.GetProperty("status").GetString());

        var jobId = await analyst.Submit(id, "restricted", SandboxApi.Diabetes, ["receipts", "diagnoses", "drugs"]);
        var job = await analyst.WaitForJob(jobId);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal("extract", job.GetProperty("kind").GetString());
        Assert.Equal(id, job.GetProperty("projectId").GetString());
        Assert.Equal(1, job.GetProperty("attempts").GetInt32());
        var entries = await analyst.DownloadVerified(jobId);
        Assert.Equal(["diagnoses.parquet", "drugs.parquet", "manifest.json", "receipts.parquet"], entries.Keys.Order());
        var manifest = JsonDocument.Parse(entries["manifest.json"]).RootElement;
        Assert.Equal(id, manifest.GetProperty("project").GetString());
        Assert.Equal("restricted", manifest.GetProperty("dataset").GetProperty("access").GetString());

        var jobs = await analyst.GetFromJsonAsync<JsonElement>($"/api/projects/{id}/jobs");
        Assert.Equal(jobId, jobs.EnumerateArray().Single().GetProperty("id").GetString());
        Assert.Contains((await admin.GetFromJsonAsync<JsonElement>("/api/projects")).EnumerateArray(), p => p.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Two_projects_extracting_the_same_cohort_share_no_pseudonym()
    {
        var admin = factory.Admin();
        var analyst = factory.Client((await admin.NewUser("analyst")).Key);
        var patients = new List<HashSet<string>>();
        foreach (var _ in new[] { 1, 2 })
        {
            var id = await analyst.NewApprovedProject(admin);
            var jobId = await analyst.Submit(id, "restricted", SandboxApi.Diabetes, ["receipts"], "csv");
            await analyst.WaitForJob(jobId);
            var csv = Encoding.UTF8.GetString((await analyst.DownloadVerified(jobId))["receipts.csv"]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            var column = Array.IndexOf(csv[0].Split(','), "patient_id");
            patients.Add(csv.Skip(1).Select(line => line.Split(',')[column]).ToHashSet());
        }
        Assert.True(patients[0].Count > 10);
        Assert.Equal(patients[0].Count, patients[1].Count);
        Assert.Empty(patients[0].Intersect(patients[1]));
    }

    [Fact]
    public async Task A_project_reads_only_the_months_of_its_period_in_queries_cohorts_and_extracts()
    {
        var admin = factory.Admin();
        var analyst = factory.Client((await admin.NewUser("analyst")).Key);
        await (await analyst.Apply(["restricted"], period: (202401, 202412))).AssertProblem(HttpStatusCode.BadRequest, "holds none of the restricted dataset's months (202304–202309)");
        await (await analyst.Apply(["restricted"], period: (202306, 202305))).AssertProblem(HttpStatusCode.BadRequest, "FROM ≤ TO");
        var narrow = await analyst.NewProject(["restricted"], period: (202305, 202306));
        var unbounded = await analyst.PostAsJsonAsync("/api/projects", new { title = "every month", purpose = "trends", datasets = new[] { "restricted" } });
        Assert.Equal(HttpStatusCode.Created, unbounded.StatusCode);
        var whole = (await unbounded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        foreach (var id in new[] { narrow, whole }) Assert.Equal(HttpStatusCode.OK, (await admin.Approve(id, factory.Clock.GetUtcNow().AddDays(1))).StatusCode);
        Assert.Equal(202305, (await analyst.GetFromJsonAsync<JsonElement>($"/api/projects/{narrow}")).GetProperty("period").GetProperty("from").GetInt32());

        const string byMonth = """{"from": "receipts", "groupBy": ["service_month"], "select": [{"count": "*", "as": "claims"}]}""";
        Assert.Equal([202305, 202306], (await Post(analyst, narrow, "query", byMonth)).GetProperty("rows").EnumerateArray().Select(r => r[0].GetInt32()).Order());
        Assert.Equal(6, (await Post(analyst, whole, "query", byMonth)).GetProperty("rows").GetArrayLength());
        var inPeriod = (await Post(analyst, narrow, "cohorts/count", SandboxApi.Everybody)).GetProperty("count").GetInt64();
        var inAll = (await Post(analyst, whole, "cohorts/count", SandboxApi.Everybody)).GetProperty("count").GetInt64();
        Assert.InRange(inPeriod, 10, inAll - 10);

        var jobId = await analyst.Submit(narrow, "restricted", SandboxApi.Everybody, ["receipts"], "csv");
        Assert.Equal("succeeded", (await analyst.WaitForJob(jobId)).GetProperty("status").GetString());
        var entries = await analyst.DownloadVerified(jobId);
        var csv = Encoding.UTF8.GetString(entries["receipts.csv"]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var month = Array.IndexOf(csv[0].Split(','), "service_month");
        Assert.Equal(["202305", "202306"], csv.Skip(1).Select(line => line.Split(',')[month]).Distinct().Order());
        var months = JsonDocument.Parse(entries["manifest.json"]).RootElement.GetProperty("dataset").GetProperty("months");
        Assert.Equal((202305, 202306), (months.GetProperty("from").GetInt32(), months.GetProperty("to").GetInt32()));
    }

    [Theory]
    [InlineData("""{"from": "drugs", "groupBy": ["receipts.prefecture"], "select": [{"countDistinct": "patient_id", "as": "p"}]}""")]
    [InlineData("""{"from": "drugs", "where": {"parent": {"where": {"col": "sex", "eq": 2}}}, "select": [{"countDistinct": "patient_id", "as": "p"}]}""")]
    public async Task A_line_table_read_through_its_receipts_needs_the_receipts_approved_too(string query)
    {
        var admin = factory.Admin();
        var analyst = factory.Client((await admin.NewUser("analyst")).Key);
        var drugsOnly = await analyst.NewProject(["restricted"], ["drugs"]);
        Assert.Equal(HttpStatusCode.OK, (await admin.Approve(drugsOnly, factory.Clock.GetUtcNow().AddDays(1))).StatusCode);
        using var refused = new HttpRequestMessage(HttpMethod.Post, "/api/datasets/restricted/query") { Content = new StringContent(query, Encoding.UTF8, "application/json") };
        refused.Headers.Add("X-Claims-Project", drugsOnly);
        await (await analyst.SendAsync(refused)).AssertProblem(HttpStatusCode.Forbidden, "not receipts");

        var both = await analyst.NewProject(["restricted"], ["drugs", "receipts"]);
        Assert.Equal(HttpStatusCode.OK, (await admin.Approve(both, factory.Clock.GetUtcNow().AddDays(1))).StatusCode);
        Assert.True((await Post(analyst, both, "query", query)).GetProperty("rows").GetArrayLength() > 0);
    }

    private static async Task<JsonElement> Post(HttpClient analyst, string project, string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/datasets/restricted/{path}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Claims-Project", project);
        using var response = await analyst.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task A_project_expires_at_the_instant_its_approval_runs_out()
    {
        var admin = factory.Admin();
        var analyst = factory.Client((await admin.NewUser("analyst")).Key);
        var id = await analyst.NewProject(["restricted"]);
        var expires = factory.Clock.GetUtcNow().AddHours(1);
        Assert.Equal(HttpStatusCode.OK, (await admin.Approve(id, expires)).StatusCode);

        factory.Clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromTicks(1));
        Assert.Equal("approved", await Status(analyst, id));
        Assert.Equal(HttpStatusCode.OK, (await Count(analyst, id)).StatusCode);

        factory.Clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal("expired", await Status(analyst, id));
        await (await Count(analyst, id)).AssertProblem(HttpStatusCode.Forbidden, "expired");
        await (await analyst.Extract(id, "restricted", SandboxApi.Diabetes, ["receipts"])).AssertProblem(HttpStatusCode.Forbidden, "expired");
    }

    [Fact]
    public async Task Approving_again_moves_the_expiry_and_revives_an_expired_project()
    {
        var admin = factory.Admin();
        var analyst = factory.Client((await admin.NewUser("analyst")).Key);
        var id = await analyst.NewProject(["restricted"]);
        var start = factory.Clock.GetUtcNow();
        Assert.Equal(HttpStatusCode.OK, (await admin.Approve(id, start.AddHours(1))).StatusCode);
        var extended = await (await admin.Approve(id, start.AddHours(3))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(start.AddHours(3), extended.GetProperty("expiresAt").GetDateTimeOffset());

        // Past the first expiry, within the second.
        factory.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal("approved", await Status(analyst, id));
        Assert.Equal(HttpStatusCode.OK, (await Count(analyst, id)).StatusCode);

        factory.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal("expired", await Status(analyst, id));
        await (await Count(analyst, id)).AssertProblem(HttpStatusCode.Forbidden, "expired");

        var renewed = factory.Clock.GetUtcNow().AddHours(1);
        Assert.Equal(HttpStatusCode.OK, (await admin.Approve(id, renewed)).StatusCode);
        var project = await analyst.GetFromJsonAsync<JsonElement>($"/api/projects/{id}");
        Assert.Equal("approved", project.GetProperty("status").GetString());
        Assert.Equal(renewed, project.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.OK, (await Count(analyst, id)).StatusCode);
    }

    private static async Task<string> Status(HttpClient analyst, string id) =>
        (await analyst.GetFromJsonAsync<JsonElement>($"/api/projects/{id}")).GetProperty("status").GetString()!;

    /// <summary>A restricted query in the project: answered only while the project grants the dataset.</summary>
    private static Task<HttpResponseMessage> Count(HttpClient analyst, string id) =>
        analyst.PostAsync($"/api/datasets/restricted/query?project={id}",
            new StringContent("""{"from": "receipts", "select": [{"count": "*", "as": "claims"}]}""", Encoding.UTF8, "application/json"));

    [Fact]
    public async Task A_rejected_project_is_refused_and_a_revoked_key_is_unauthorized_at_once()
    {
        var admin = factory.Admin();
        var (userId, key) = await admin.NewUser("analyst");
        var analyst = factory.Client(key);
        var id = await analyst.NewApprovedProject(admin);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/projects/{id}/reject", null)).StatusCode);
        await (await analyst.Extract(id, "restricted", SandboxApi.Diabetes, ["receipts"])).AssertProblem(HttpStatusCode.Forbidden, "rejected");

        var keyId = (await admin.GetFromJsonAsync<JsonElement>($"/api/users/{userId}/keys"))[0].GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/keys/{keyId}")).StatusCode);
        await (await analyst.GetAsync("/api/projects")).AssertProblem(HttpStatusCode.Unauthorized);
        await (await analyst.Extract(id, "synthetic", SandboxApi.Diabetes, ["receipts"])).AssertProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Another_analyst_sees_neither_the_project_nor_its_jobs_and_cannot_extract_in_it()
    {
        var admin = factory.Admin();
        var owner = factory.Client((await admin.NewUser("analyst")).Key);
        var other = factory.Client((await admin.NewUser("analyst")).Key);
        var id = await owner.NewApprovedProject(admin);
        var jobId = await owner.Submit(id, "synthetic", SandboxApi.Diabetes, ["receipts"]);

        await (await other.GetAsync($"/api/projects/{id}")).AssertProblem(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/api/projects/{id}/jobs")).AssertProblem(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/api/jobs/{jobId}")).AssertProblem(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/api/jobs/{jobId}/download")).AssertProblem(HttpStatusCode.NotFound);
        await (await other.Extract(id, "restricted", SandboxApi.Diabetes, ["receipts"])).AssertProblem(HttpStatusCode.Forbidden, "not yours");
        Assert.DoesNotContain((await other.GetFromJsonAsync<JsonElement>("/api/projects")).EnumerateArray(), p => p.GetProperty("id").GetString() == id);
        Assert.Equal("succeeded", (await admin.WaitForJob(jobId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Roles_outside_the_analysts_are_refused_and_explorers_keep_to_synthetic_data()
    {
        var admin = factory.Admin();
        var explorer = factory.Client((await admin.NewUser("explorer")).Key);
        var policymaker = factory.Client((await admin.NewUser("policymaker")).Key);
        var analyst = factory.Client((await admin.NewUser("analyst")).Key);
        var id = await analyst.NewApprovedProject(admin);

        await (await explorer.Apply(["restricted"])).AssertProblem(HttpStatusCode.Forbidden, "an explorer's project holds the synthetic datasets only");
        // Their own projects, on synthetic data, for models: listed to them alone.
        var own = await explorer.NewProject(["synthetic"]);
        Assert.Equal([own], (await explorer.GetFromJsonAsync<JsonElement>("/api/projects")).EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        await (await explorer.GetAsync($"/api/projects/{id}")).AssertProblem(HttpStatusCode.NotFound);
        await (await policymaker.Extract(id, "restricted", SandboxApi.Diabetes, ["receipts"])).AssertProblem(HttpStatusCode.Forbidden);
        await (await analyst.PostAsJsonAsync($"/api/projects/{id}/approve", new { expiresAt = factory.Clock.GetUtcNow().AddDays(1) })).AssertProblem(HttpStatusCode.Forbidden);
        await (await factory.Client(null).Apply(["synthetic"])).AssertProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Bad_applications_and_extract_requests_are_problems_naming_what_is_wrong()
    {
        var admin = factory.Admin();
        var analyst = factory.Client((await admin.NewUser("analyst")).Key);
        await (await analyst.Apply(["nowhere"])).AssertProblem(HttpStatusCode.BadRequest, "no dataset 'nowhere'");
        await (await analyst.Apply(["restricted"], ["receipt"])).AssertProblem(HttpStatusCode.BadRequest, "no table 'receipt'");
        await (await analyst.PostAsJsonAsync("/api/projects", new { title = "t", datasets = new[] { "synthetic" } })).AssertProblem(HttpStatusCode.BadRequest, "purpose");

        var id = await analyst.NewProject(["restricted"], ["receipts", "diagnoses"]);
        Assert.Equal(HttpStatusCode.OK, (await admin.Approve(id, factory.Clock.GetUtcNow().AddDays(1))).StatusCode);
        var badColumn = """{"name": "x", "entry": {"table": "diagnoses", "where": {"col": "icd", "prefix": "E11"}}}""";
        await (await analyst.Extract(id, "restricted", badColumn, ["receipts"])).AssertProblem(HttpStatusCode.BadRequest, "entry.where");
        await (await analyst.Extract(id, "restricted", SandboxApi.Diabetes, ["receipt"])).AssertProblem(HttpStatusCode.BadRequest, "unknown table 'receipt'");
        await (await analyst.Extract(id, "restricted", SandboxApi.Diabetes, ["receipts"], "xlsx")).AssertProblem(HttpStatusCode.BadRequest, "xlsx");
        await (await analyst.Extract(id, "restricted", SandboxApi.Diabetes, ["drugs"])).AssertProblem(HttpStatusCode.Forbidden, "not drugs");
        // Nor may a cohort pick its patients by a table the project was not approved for, though only receipts leave (review 33).
        var onDrugs = """{"name": "insulin users", "entry": {"table": "drugs", "where": {"col": "drug_class", "eq": 249}}}""";
        await (await analyst.Extract(id, "restricted", onDrugs, ["receipts"])).AssertProblem(HttpStatusCode.Forbidden, "not drugs");
        // Nor by the tables it reads besides its events: an exit at death is a diagnosis's month (review 34).
        var receiptsOnly = await analyst.NewProject(["restricted"], ["receipts"]);
        Assert.Equal(HttpStatusCode.OK, (await admin.Approve(receiptsOnly, factory.Clock.GetUtcNow().AddDays(1))).StatusCode);
        var untilDeath = """{"name": "until death", "entry": {"table": "receipts"}, "exit": {"death": true}}""";
        await (await analyst.Extract(receiptsOnly, "restricted", untilDeath, ["receipts"])).AssertProblem(HttpStatusCode.Forbidden, "not diagnoses");
        await (await analyst.Extract(id, "nowhere", SandboxApi.Diabetes, ["receipts"])).AssertProblem(HttpStatusCode.NotFound, "no dataset");
        await (await analyst.Extract("p_nosuchproject00", "restricted", SandboxApi.Diabetes, ["receipts"])).AssertProblem(HttpStatusCode.NotFound, "no project");
        await (await analyst.PostAsJsonAsync($"/api/projects/{id}/extracts", new { dataset = "restricted", cohort = "text", tables = new[] { "receipts" } }))
            .AssertProblem(HttpStatusCode.BadRequest, "cohort");
        await (await analyst.GetAsync("/api/jobs/j_nosuchjob000000/download")).AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_synthetic_extract_needs_only_a_project_of_ones_own_and_a_download_before_success_is_a_conflict()
    {
        var admin = factory.Admin();
        var analyst = factory.Client((await admin.NewUser("analyst")).Key);
        var id = await analyst.NewProject(["restricted"]);
        factory.Gate.Close();
        string running, queued;
        try
        {
            running = await analyst.Submit(id, "synthetic", SandboxApi.Diabetes, SandboxApi.AllTables, "arrow");
            await factory.Gate.Arrived(running);
            // The one worker is held by the first job, so the second waits in the queue.
            queued = await analyst.Submit(id, "synthetic", SandboxApi.Diabetes, ["receipts"]);
            await (await analyst.GetAsync($"/api/jobs/{running}/download")).AssertProblem(HttpStatusCode.Conflict, "is running; only a succeeded job has a result");
            await (await analyst.GetAsync($"/api/jobs/{queued}/download")).AssertProblem(HttpStatusCode.Conflict, "is queued; only a succeeded job has a result");
        }
        finally
        {
            factory.Gate.Open();
        }
        Assert.Equal("succeeded", (await analyst.WaitForJob(running)).GetProperty("status").GetString());
        Assert.Equal(SandboxApi.AllTables.Length + 1, (await analyst.DownloadVerified(running)).Count);
        Assert.Equal("succeeded", (await analyst.WaitForJob(queued)).GetProperty("status").GetString());
        Assert.Equal(2, (await analyst.DownloadVerified(queued)).Count);
    }

    [Fact]
    public async Task A_damaged_result_is_never_sent_the_job_fails_with_the_reason()
    {
        var admin = factory.Admin();
        var analyst = factory.Client((await admin.NewUser("analyst")).Key);
        var id = await analyst.NewProject(["synthetic"]);
        var jobId = await analyst.Submit(id, "synthetic", SandboxApi.Diabetes, ["receipts"]);
        await analyst.WaitForJob(jobId);
        var zip = Path.Combine(factory.DataDir, "jobs", jobId, "extract.zip");
        var bytes = await File.ReadAllBytesAsync(zip);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(zip, bytes);

        await (await analyst.GetAsync($"/api/jobs/{jobId}/download")).AssertProblem(HttpStatusCode.Gone, "does not match its SHA-256");
        var job = await analyst.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}");
        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Contains("submit the job again", job.GetProperty("error").GetString());
        await (await analyst.GetAsync($"/api/jobs/{jobId}/download")).AssertProblem(HttpStatusCode.Conflict, "failed");
        // The damaged file goes with the next sweep: a failed job's folder holds nothing anyone may download.
        factory.Services.GetRequiredService<Jobs.ResultRetention>().Sweep();
        Assert.False(Directory.Exists(Path.Combine(factory.DataDir, "jobs", jobId)));
    }
}
