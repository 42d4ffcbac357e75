using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Claims.Sandbox.Tests;

/// <summary>The steps the project and job tests take through the API, each asserting its own answer.</summary>
public static class SandboxApi
{
    public const string Diabetes = """{"name": "type 2 diabetes", "entry": {"table": "diagnoses", "where": {"col": "icd10", "prefix": "E11"}}}""";
    public const string Everybody = """{"name": "everybody", "entry": {"table": "receipts"}}""";

    public static readonly string[] AllTables = ["receipts", "diagnoses", "procedures", "drugs", "devices", "dpc", "checkups"];

    /// <summary>A new user of <paramref name="role"/>, created by the admin: its id and key.</summary>
    public static async Task<(string Id, string Key)> NewUser(this HttpClient admin, string role)
    {
        var response = await admin.PostAsJsonAsync("/api/users", new { name = $"a {role}", role });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var user = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (user.GetProperty("userId").GetString()!, user.GetProperty("apiKey").GetString()!);
    }

    /// <summary>Applies for a project; its period is the test datasets' six months unless <paramref name="period"/> narrows it.</summary>
    public static Task<HttpResponseMessage> Apply(this HttpClient analyst, string[] datasets, string[]? tables = null, (int From, int To)? period = null) =>
        analyst.PostAsJsonAsync("/api/projects", new
        {
            title = "diabetes care", purpose = "how type 2 diabetes is treated", datasets, tables,
            period = new { from = period?.From ?? 202304, to = period?.To ?? 202309 },
        });

    public static async Task<string> NewProject(this HttpClient analyst, string[] datasets, string[]? tables = null, (int From, int To)? period = null)
    {
        var response = await analyst.Apply(datasets, tables, period);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var project = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("pending", project.GetProperty("status").GetString());
        return project.GetProperty("id").GetString()!;
    }

    public static Task<HttpResponseMessage> Approve(this HttpClient admin, string projectId, DateTimeOffset expiresAt) =>
        admin.PostAsJsonAsync($"/api/projects/{projectId}/approve", new { expiresAt });

    public static async Task<string> NewApprovedProject(this HttpClient analyst, HttpClient admin)
    {
        var id = await analyst.NewProject(["restricted", "synthetic"]);
        Assert.Equal(HttpStatusCode.OK, (await admin.Approve(id, DateTimeOffset.UtcNow.AddDays(30))).StatusCode);
        return id;
    }

    public static Task<HttpResponseMessage> Extract(this HttpClient analyst, string projectId, string dataset, string cohort, string[] tables, string format = "parquet") =>
        analyst.PostAsJsonAsync($"/api/projects/{projectId}/extracts", new { dataset, cohort = JsonDocument.Parse(cohort).RootElement, tables, format });

    /// <summary>
    /// A model spec for the sandbox's synthetic data: six months of it, two behind the index and two ahead, and an
    /// outcome common enough for a test set of a few hundred.
    /// </summary>
    public const string ModelSpec = """
        {"name": "a costly claim within two months",
         "target": {"name": "everyone with two months behind them", "entry": {"table": "receipts", "occurrence": "every"}, "priorObservationMonths": 2},
         "outcome": {"table": "receipts", "where": {"col": "total_points", "ge": 2000}, "startDays": 1, "endDays": 60},
         "features": {"windows": [[-60, -1]], "minMembers": 10},
         "model": {"iterations": 20, "minMembersPerLeaf": 10}}
        """;

    public static Task<HttpResponseMessage> TrainModel(this HttpClient analyst, string project, string dataset, string spec) =>
        analyst.PostAsync($"/api/projects/{project}/models",
            new StringContent($$"""{"dataset": "{{dataset}}", "spec": {{spec}}}""", Encoding.UTF8, "application/json"));

    /// <summary>Submits an extract that must be accepted: its job id.</summary>
    public static async Task<string> Submit(this HttpClient analyst, string projectId, string dataset, string cohort, string[] tables, string format = "parquet")
    {
        var response = await analyst.Extract(projectId, dataset, cohort, tables, format);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString()!;
        Assert.Equal($"/api/jobs/{id}", response.Headers.Location!.ToString());
        return id;
    }

    /// <summary>Polls the job until <paramref name="until"/> holds for its status (by default: finished).</summary>
    public static Task<JsonElement> WaitForJob(this HttpClient client, string jobId, Func<string, bool>? until = null, int seconds = 120)
    {
        until ??= status => status is "succeeded" or "failed";
        return client.WaitForJob(jobId, job => until(job.GetProperty("status").GetString()!), seconds);
    }

    /// <summary>Polls the job until <paramref name="until"/> holds for it, as GET /api/jobs/{id} shows it.</summary>
    public static async Task<JsonElement> WaitForJob(this HttpClient client, string jobId, Func<JsonElement, bool> until, int seconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var job = await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}");
            if (until(job)) return job;
            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} is still {job.GetProperty("status")}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Downloads a succeeded job's zip: the headers' checksums are the bytes' and the job's. Returns the zip's
    /// entries by name (in the zip's order) and the job's result.
    /// </summary>
    public static async Task<(Dictionary<string, byte[]> Entries, JsonElement Result)> Download(this HttpClient client, string jobId)
    {
        var job = await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}");
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        var response = await client.GetAsync($"/api/jobs/{jobId}/download");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var sha = SHA256.HashData(bytes);
        Assert.Equal(Convert.ToHexStringLower(sha), response.Headers.GetValues("X-Checksum-SHA256").Single());
        Assert.Equal($"sha-256=:{Convert.ToBase64String(sha)}:", response.Headers.GetValues("Repr-Digest").Single());
        var result = job.GetProperty("result");
        Assert.Equal(Convert.ToHexStringLower(sha), result.GetProperty("sha256").GetString());
        Assert.Equal(bytes.Length, result.GetProperty("bytes").GetInt64());

        using var zip = new ZipArchive(new MemoryStream(bytes));
        var entries = zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        });
        return (entries, result);
    }

    /// <summary>
    /// Downloads a succeeded extract's zip and checks it whole (<see cref="Download"/>), and every file the manifest
    /// names is in the zip with the manifest's SHA-256 and the job's row count. Returns the zip's entries by name.
    /// </summary>
    public static async Task<Dictionary<string, byte[]>> DownloadVerified(this HttpClient client, string jobId)
    {
        var (entries, result) = await client.Download(jobId);
        var manifest = JsonDocument.Parse(entries["manifest.json"]).RootElement;
        var files = manifest.GetProperty("files").EnumerateArray().ToArray();
        Assert.Equal(files.Length + 1, entries.Count);
        var rows = result.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("file").GetString()!, f => f.GetProperty("rows").GetInt64());
        foreach (var file in files)
        {
            var name = file.GetProperty("file").GetString()!;
            Assert.Equal(file.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(entries[name])));
            Assert.Equal(file.GetProperty("bytes").GetInt64(), entries[name].Length);
            Assert.Equal(file.GetProperty("rows").GetInt64(), rows[name]);
        }
        return entries;
    }

    public static async Task AssertProblem(this HttpResponseMessage response, HttpStatusCode status, string? detailContains = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        if (detailContains is not null) Assert.Contains(detailContains, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
    }
}
