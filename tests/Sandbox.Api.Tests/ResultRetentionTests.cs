using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Claims.Sandbox.Jobs;
using Claims.Sandbox.Storage;
using Claims.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Claims.Sandbox.Tests;

/// <summary>Job results are deleted when their retention runs out; the job's record stays and its download is 410.</summary>
public class ResultRetentionTests
{
    [Fact]
    public async Task A_result_past_its_retention_is_deleted_and_its_download_is_gone_while_a_fresh_one_stays()
    {
        using var sandbox = new SandboxFactory();
        using var factory = sandbox.WithWebHostBuilder(builder => builder.UseSetting("CLAIMS_RESULT_RETENTION_HOURS", "0"));
        var admin = Client(factory, SandboxData.AdminKey);
        var analyst = Client(factory, (await admin.NewUser("analyst")).Key);
        var project = await analyst.NewProject(["synthetic"]);
        var jobId = await analyst.Submit(project, "synthetic", SandboxApi.Diabetes, ["receipts"], "csv");
        var job = await analyst.WaitForJob(jobId);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal(job.GetProperty("finished").GetDateTimeOffset(), job.GetProperty("result").GetProperty("expiresAt").GetDateTimeOffset());
        var folder = Path.Combine(sandbox.DataDir, "jobs", jobId);
        Assert.True(File.Exists(Path.Combine(folder, "extract.zip")));

        // The service's own sweep at start may already have taken it; either way it is gone now.
        Assert.InRange(factory.Services.GetRequiredService<ResultRetention>().Sweep(), 0, 1);
        Assert.False(Directory.Exists(folder));
        job = await analyst.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}");
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.False(job.GetProperty("result").GetProperty("available").GetBoolean());
        await (await analyst.GetAsync($"/api/jobs/{jobId}/download")).AssertProblem(HttpStatusCode.Gone, "retention ran out");
        Assert.Equal(0, factory.Services.GetRequiredService<ResultRetention>().Sweep());
    }

    [Fact]
    public async Task With_the_default_retention_a_result_is_kept_for_a_week()
    {
        using var sandbox = new SandboxFactory();
        var analyst = Client(sandbox, (await Client(sandbox, SandboxData.AdminKey).NewUser("analyst")).Key);
        var project = await analyst.NewProject(["synthetic"]);
        var jobId = await analyst.Submit(project, "synthetic", SandboxApi.Diabetes, ["receipts"], "csv");
        var job = await analyst.WaitForJob(jobId);
        Assert.Equal(0, sandbox.Services.GetRequiredService<ResultRetention>().Sweep());
        var result = job.GetProperty("result");
        Assert.Equal(TimeSpan.FromDays(7), result.GetProperty("expiresAt").GetDateTimeOffset() - job.GetProperty("finished").GetDateTimeOffset());
        Assert.True(result.GetProperty("available").GetBoolean());
        await analyst.DownloadVerified(jobId);
    }

    [Fact]
    public async Task A_download_under_way_when_the_sweep_deletes_its_result_still_sends_it_whole_and_the_next_is_gone()
    {
        using var sandbox = new ControlledSandbox();
        var analyst = sandbox.Client((await sandbox.Admin().NewUser("analyst")).Key);
        var project = await analyst.NewProject(["synthetic"]);
        var jobId = await analyst.Submit(project, "synthetic", SandboxApi.Everybody, SandboxApi.AllTables, "csv");
        var job = await analyst.WaitForJob(jobId);
        var bytes = job.GetProperty("result").GetProperty("bytes").GetInt64();
        // Far more than the in-memory server buffers, so most of the body is still to be read from the file when it goes.
        Assert.True(bytes > 1 << 20, $"{bytes} bytes");

        using var download = await analyst.GetAsync($"/api/jobs/{jobId}/download", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        sandbox.Clock.Advance(job.GetProperty("result").GetProperty("expiresAt").GetDateTimeOffset() - sandbox.Clock.GetUtcNow());
        // The service's own periodic sweep, woken by the clock, deletes the result.
        await analyst.WaitForJob(jobId, j => !j.GetProperty("result").GetProperty("available").GetBoolean());
        Assert.False(Directory.Exists(Path.Combine(sandbox.DataDir, "jobs", jobId)));

        var body = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(bytes, body.Length);
        Assert.Equal(job.GetProperty("result").GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(body)));
        Assert.Equal(download.Headers.GetValues("X-Checksum-SHA256").Single(), Convert.ToHexStringLower(SHA256.HashData(body)));
        await (await analyst.GetAsync($"/api/jobs/{jobId}/download")).AssertProblem(HttpStatusCode.Gone, "retention ran out");
    }

    [Fact]
    public void A_negative_retention_stops_the_service_at_start_naming_the_setting()
    {
        using var sandbox = new SandboxFactory();
        using var factory = sandbox.WithWebHostBuilder(builder => builder.UseSetting("CLAIMS_RESULT_RETENTION_HOURS", "-1"));
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Sandbox:ResultRetentionHours is -1", error.ToString());
    }

    [Fact]
    public void A_database_from_before_retention_gains_the_column_and_its_results_expire_after_they_finished()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("sandbox.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE jobs (
                    id TEXT PRIMARY KEY, kind TEXT NOT NULL, project_id TEXT, user_id TEXT NOT NULL, request TEXT NOT NULL, status TEXT NOT NULL,
                    created TEXT NOT NULL, started TEXT, finished TEXT, attempts INTEGER NOT NULL DEFAULT 0, error TEXT, result_path TEXT,
                    result_bytes INTEGER, result_sha256 TEXT, summary TEXT);
                INSERT INTO jobs (id, kind, user_id, request, status, created, finished, attempts, result_path, result_bytes, result_sha256, summary)
                VALUES ('j_old', 'extract', 'u_1', '{}', 'succeeded', '2026-01-01T00:00:00.0000000+00:00', '2026-01-01T00:01:00.0000000+00:00', 1,
                        'jobs/j_old/extract.zip', 10, 'ab', '[]');
                """;
            command.ExecuteNonQuery();
        }
        var store = new JobStore(new SandboxDatabase(path), TimeProvider.System);
        var old = store.Find("j_old")!;
        Assert.Equal("jobs/j_old/extract.zip", old.ResultPath);
        Assert.Null(old.ResultExpires);
        // Recorded before expiries were: it expires the retention after it finished.
        Assert.Equal("j_old", Assert.Single(store.ExpiredResults(TimeSpan.FromDays(7))).Id);
        var job = store.Create("extract", null, "u_1", "{}");
        store.Claim(job.Id);
        store.Succeed(job.Id, new JobResult("jobs/x/extract.zip", 1, "cd", []), TimeSpan.FromHours(1));
        Assert.DoesNotContain(store.ExpiredResults(TimeSpan.Zero), j => j.Id == job.Id);
        store.RemoveResult("j_old");
        Assert.Empty(store.ExpiredResults(TimeSpan.Zero));
    }

    private static HttpClient Client(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory, string key)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
