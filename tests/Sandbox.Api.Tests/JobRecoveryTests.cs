using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Claims.Sandbox.Tests;

/// <summary>Jobs across a killed process, and a full queue.</summary>
public class JobRecoveryTests
{
    [Fact]
    public async Task An_extract_killed_mid_run_leaves_no_result_and_reruns_from_scratch_on_restart()
    {
        await KilledAndRerun(
            (analyst, project) => analyst.Submit(project, "synthetic", SandboxApi.Everybody, SandboxApi.AllTables, "csv"),
            "extract.zip",
            // What the killed run left: every table written, the zip begun and never finished.
            folder => Assert.Equal(SandboxApi.AllTables.Select(t => t + ".csv").Append("manifest.json").Order(),
                Directory.GetFiles(Path.Combine(folder, "staging")).Select(Path.GetFileName).Order()),
            async (analyst, jobId) => Assert.Equal(SandboxApi.AllTables.Length + 1, (await analyst.DownloadVerified(jobId)).Count));
    }

    [Fact]
    public async Task A_model_job_killed_mid_run_leaves_no_result_and_reruns_from_scratch_on_restart()
    {
        await KilledAndRerun(
            async (analyst, project) =>
            {
                var response = await analyst.TrainModel(project, "synthetic", SandboxApi.ModelSpec);
                Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
                return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString()!;
            },
            "model-result.zip",
            // What the killed run left: the model trained and written, its result zip begun and never finished.
            folder => Assert.Equal(["model.onnx", "model.zip", "report.html", "report.json", "spec.json"],
                Directory.GetFiles(Path.Combine(folder, "model")).Select(Path.GetFileName).Order()),
            async (analyst, jobId) => Assert.Equal(["report.json", "report.html", "spec.json", "model.zip", "model.onnx"], (await analyst.Download(jobId)).Entries.Keys));
    }

    /// <summary>
    /// A job submitted to a service that pauses ten minutes before each file it zips, so the kill lands with the
    /// job's files written and its result zip (<paramref name="result"/>) begun, whatever the machine's speed; then
    /// a second service, which must run it again from scratch to a download (<paramref name="downloaded"/> checks it).
    /// </summary>
    private static async Task KilledAndRerun(Func<HttpClient, string, Task<string>> submit, string result, Action<string> killedLeft, Func<HttpClient, string, Task> downloaded)
    {
        using var data = SandboxData.NewDataDir();
        var port = ServiceProcess.FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var environment = new Dictionary<string, string>(SandboxData.Environment(data.Path))
        {
            ["ASPNETCORE_URLS"] = address.ToString(),
            ["CLAIMS_JOB_THROTTLE_MS"] = "600000",
        };
        using var admin = Client(address, SandboxData.AdminKey);
        string jobId;
        HttpClient analyst;
        string folder;
        using (var first = ServiceProcess.Start(environment))
        {
            try
            {
                await ServiceProcess.WaitForHealth(admin);
                analyst = Client(address, (await admin.NewUser("analyst")).Key);
                jobId = await submit(analyst, await analyst.NewProject(["synthetic"]));
                folder = Path.Combine(data.Path, "jobs", jobId);
                await UntilExists(Path.Combine(folder, result + ".tmp"));
            }
            finally
            {
                first.Kill(entireProcessTree: true);
                await first.WaitForExitAsync();
            }
        }

        killedLeft(folder);
        Assert.True(File.Exists(Path.Combine(folder, result + ".tmp")));
        Assert.False(File.Exists(Path.Combine(folder, result)));
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
            Assert.Equal(2, job.GetProperty("attempts").GetInt32());
            await downloaded(analyst, jobId);
            Assert.Equal([result], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName));
        }
        finally
        {
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task A_submission_beyond_the_queue_capacity_is_refused_with_429_and_forgotten()
    {
        using var sandbox = new ControlledSandbox(new() { ["Sandbox:JobQueueCapacity"] = "1" });
        var analyst = sandbox.Client((await sandbox.Admin().NewUser("analyst")).Key);
        var project = await analyst.NewProject(["synthetic"]);
        sandbox.Gate.Close();
        string running, waiting;
        try
        {
            running = await analyst.Submit(project, "synthetic", SandboxApi.Everybody, ["receipts"]);
            // The worker holds the first job, so the queue's one place is free for the second and none is left.
            await sandbox.Gate.Arrived(running);
            waiting = await analyst.Submit(project, "synthetic", SandboxApi.Everybody, ["receipts"]);
            await (await analyst.Extract(project, "synthetic", SandboxApi.Everybody, ["receipts"])).AssertProblem(HttpStatusCode.TooManyRequests, "queue is full");
            var jobs = await analyst.GetFromJsonAsync<JsonElement>($"/api/projects/{project}/jobs");
            Assert.Equal(new[] { running, waiting }.Order(), jobs.EnumerateArray().Select(j => j.GetProperty("id").GetString()).Order());
        }
        finally
        {
            sandbox.Gate.Open();
        }
        Assert.Equal("succeeded", (await analyst.WaitForJob(running)).GetProperty("status").GetString());
        Assert.Equal("succeeded", (await analyst.WaitForJob(waiting)).GetProperty("status").GetString());
    }

    /// <summary>Waits for a file the service writes: the sign that it reached that point.</summary>
    private static async Task UntilExists(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!File.Exists(path))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{path} did not appear");
            await Task.Delay(50);
        }
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
