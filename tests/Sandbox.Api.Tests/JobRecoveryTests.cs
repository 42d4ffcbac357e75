using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;

namespace Claims.Sandbox.Tests;

/// <summary>Jobs across a killed process, and a full queue.</summary>
public class JobRecoveryTests
{
    [Fact]
    public async Task An_extract_killed_mid_run_leaves_no_result_and_reruns_from_scratch_on_restart()
    {
        using var data = SandboxData.NewDataDir();
        var port = ServiceProcess.FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        // A pause before each of the eight files it zips makes the small extract last long enough to be killed running.
        var environment = new Dictionary<string, string>(SandboxData.Environment(data.Path))
        {
            ["ASPNETCORE_URLS"] = address.ToString(),
            ["CLAIMS_JOB_THROTTLE_MS"] = "1000",
        };
        using var admin = Client(address, SandboxData.AdminKey);
        string jobId;
        HttpClient analyst;
        using (var first = ServiceProcess.Start(environment))
        {
            try
            {
                await ServiceProcess.WaitForHealth(admin);
                analyst = Client(address, (await admin.NewUser("analyst")).Key);
                var project = await analyst.NewProject(["synthetic"]);
                jobId = await analyst.Submit(project, "synthetic", SandboxApi.Everybody, SandboxApi.AllTables, "csv");
                await analyst.WaitForJob(jobId, status => status == "running", 60);
                await Task.Delay(1500);
            }
            finally
            {
                first.Kill(entireProcessTree: true);
                await first.WaitForExitAsync();
            }
        }

        var folder = Path.Combine(data.Path, "jobs", jobId);
        Assert.False(File.Exists(Path.Combine(folder, "extract.zip")));
        var (status, attempts) = StoredJob(data.Path, jobId);
        Assert.Equal("running", status);
        Assert.Equal(1, attempts);

        environment["CLAIMS_JOB_THROTTLE_MS"] = "0";
        using var second = ServiceProcess.Start(environment);
        try
        {
            await ServiceProcess.WaitForHealth(admin);
            var job = await analyst.WaitForJob(jobId);
            Assert.Equal("succeeded", job.GetProperty("status").GetString());
            Assert.True(job.GetProperty("attempts").GetInt32() >= 2);
            var entries = await analyst.DownloadVerified(jobId);
            Assert.Equal(SandboxApi.AllTables.Length + 1, entries.Count);
            Assert.Equal(["extract.zip"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName));
        }
        finally
        {
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Submissions_beyond_the_queue_capacity_are_refused_with_429()
    {
        using var sandbox = new SandboxFactory();
        using var factory = sandbox.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Sandbox:JobQueueCapacity", "1");
            builder.UseSetting("CLAIMS_JOB_THROTTLE_MS", "2000");
        });
        var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SandboxData.AdminKey);
        var analyst = factory.CreateClient();
        analyst.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await admin.NewUser("analyst")).Key);
        var project = await analyst.NewProject(["synthetic"]);

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++) responses.Add(await analyst.Extract(project, "synthetic", SandboxApi.Everybody, SandboxApi.AllTables));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToArray();
        Assert.NotEmpty(refused);
        await refused[0].AssertProblem(HttpStatusCode.TooManyRequests, "queue is full");
        var jobs = await analyst.GetFromJsonAsync<JsonElement>($"/api/projects/{project}/jobs");
        Assert.Equal(responses.Count - refused.Length, jobs.GetArrayLength());
    }

    private static HttpClient Client(Uri address, string key) =>
        new() { BaseAddress = address, DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", key) } };

    private static (string Status, int Attempts) StoredJob(string dataDir, string jobId)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "sandbox.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT status, attempts FROM jobs WHERE id = $id";
        command.Parameters.AddWithValue("$id", jobId);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        return (reader.GetString(0), reader.GetInt32(1));
    }
}
