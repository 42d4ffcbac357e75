using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Claims.Engine.Storage;
using Claims.Sandbox.Datasets;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Claims.Sandbox.Tests;

/// <summary>
/// A damaged dataset file takes that dataset out of service, named with the file, and the rest serves on: at start
/// (a file cut short) and while running (a byte changed after the file was first read, found by the scrub).
/// </summary>
public class StorageFaultTests
{
    private const string TotalPoints = """{"from": "receipts", "select": [{"sum": "total_points", "as": "points"}]}""";

    [Fact]
    public async Task A_truncated_restricted_file_at_start_leaves_the_service_serving_with_restricted_unavailable()
    {
        using var factory = new SandboxFactory();
        var (file, path) = ReceiptsPointsFile(factory, DatasetRegistry.Restricted);
        using (var stream = new FileStream(path, FileMode.Open)) stream.SetLength(stream.Length - 100);

        var admin = factory.Admin();
        var analyst = factory.Client((await admin.NewUser("analyst")).Key);
        var datasets = (await analyst.GetFromJsonAsync<JsonElement>("/api/datasets")).EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!);
        var restricted = datasets["restricted"];
        Assert.False(restricted.GetProperty("available").GetBoolean());
        Assert.False(restricted.GetProperty("queryable").GetBoolean());
        Assert.Contains($"{file}: is truncated", restricted.GetProperty("unavailable").GetString());
        Assert.Equal("restricted", restricted.GetProperty("access").GetString());
        Assert.True(datasets["synthetic"].GetProperty("available").GetBoolean());
        Assert.Equal(JsonValueKind.Null, datasets["synthetic"].GetProperty("unavailable").ValueKind);

        // The synthetic data, projects and the audit all serve.
        Assert.Equal(HttpStatusCode.OK, (await analyst.PostAsync("/api/datasets/synthetic/query", Json(TotalPoints))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await analyst.PostAsJsonAsync("/api/datasets/synthetic/sql", new { sql = "SELECT 1" })).StatusCode);
        var project = await analyst.NewApprovedProject(admin);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/datasets/restricted/query") { Content = Json(TotalPoints) };
        request.Headers.Add("X-Claims-Project", project);
        await (await analyst.SendAsync(request)).AssertProblem(HttpStatusCode.ServiceUnavailable, $"the restricted dataset is unavailable: {file}");
        await (await analyst.Extract(project, "restricted", SandboxApi.Diabetes, ["receipts"])).AssertProblem(HttpStatusCode.ServiceUnavailable, "restricted");
        await (await admin.GetAsync("/api/dashboards/costs")).AssertProblem(HttpStatusCode.ServiceUnavailable, "restricted");
        Assert.True((await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify")).GetProperty("ok").GetBoolean());

        var health = await factory.Client(null).GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Contains(health.GetProperty("problems").EnumerateArray(), p => p.GetString()!.Contains(file));
    }

    [Fact]
    public async Task A_byte_flipped_after_the_file_was_read_is_found_by_the_scrub_and_the_dataset_taken_out_of_service()
    {
        using var factory = new SandboxFactory();
        var explorer = factory.Client((await AuditTests.SignUp(factory)).Key);
        var before = await Points(explorer);
        var (file, path) = ReceiptsPointsFile(factory, DatasetRegistry.Synthetic);
        FlipFirstValueBit(path);

        // The window the scrub closes: the file was checksummed when first read, so the change goes unnoticed.
        Assert.Equal(1, Math.Abs(await Points(explorer) - before));
        var scrub = factory.Services.GetRequiredService<DatasetScrub>();
        Assert.Equal(["synthetic"], scrub.Scrub());

        await (await explorer.PostAsync("/api/datasets/synthetic/query", Json(TotalPoints)))
            .AssertProblem(HttpStatusCode.ServiceUnavailable, $"the synthetic dataset is unavailable: {file}: checksum mismatch");
        await (await explorer.GetAsync("/api/datasets/synthetic/schema")).AssertProblem(HttpStatusCode.ServiceUnavailable, "synthetic");
        var datasets = (await explorer.GetFromJsonAsync<JsonElement>("/api/datasets")).EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!);
        Assert.False(datasets["synthetic"].GetProperty("available").GetBoolean());
        Assert.True(datasets["restricted"].GetProperty("available").GetBoolean());
        // Nothing more to find: the damaged dataset is out of service, the other is whole.
        Assert.Empty(scrub.Scrub());
    }

    [Fact]
    public async Task The_scrub_runs_on_its_interval()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var sandbox = new SandboxFactory();
        using var factory = sandbox.WithWebHostBuilder(b => b.UseSetting("CLAIMS_SCRUB_INTERVAL_MINUTES", "30")
            .ConfigureTestServices(s => s.AddSingleton<TimeProvider>(time)));
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", SandboxData.AdminKey);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/datasets/synthetic/query", Json(TotalPoints))).StatusCode);
        var scrub = factory.Services.GetRequiredService<DatasetScrub>();
        Assert.Equal(TimeSpan.FromMinutes(30), scrub.Interval);
        var found = new TaskCompletionSource<IReadOnlyList<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        scrub.Scrubbed += damaged => found.TrySetResult(damaged);

        FlipFirstValueBit(ReceiptsPointsFile(sandbox, DatasetRegistry.Synthetic).Path);
        time.Advance(TimeSpan.FromMinutes(29));
        Assert.False(found.Task.IsCompleted);
        time.Advance(TimeSpan.FromMinutes(1));
        // A bound for a broken schedule, not a wait for time to pass: the scrub starts on the advance above.
        Assert.Equal(["synthetic"], await found.Task.WaitAsync(TimeSpan.FromMinutes(2)));
        await (await client.PostAsync("/api/datasets/synthetic/query", Json(TotalPoints))).AssertProblem(HttpStatusCode.ServiceUnavailable, "synthetic");
    }

    /// <summary>The first month's receipts.total_points file of a dataset in the service's data folder: its name as errors give it, and its path.</summary>
    private static (string Name, string Path) ReceiptsPointsFile(SandboxFactory factory, string dataset)
    {
        var directory = Path.Combine(factory.DataDir, "datasets", dataset);
        var manifest = DatasetManifest.Read(directory);
        var partition = manifest.Tables.Single(t => t.Name == "receipts").Partitions[0];
        return ($"{partition.Path}/total_points.col", Path.Combine(directory, manifest.Generation, partition.Path, "total_points.col"));
    }

    /// <summary>Flips the lowest bit of the first row's value: after the 64-byte header (docs/store.md), total_points is a non-null int32.</summary>
    private static void FlipFirstValueBit(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = 64;
        var value = stream.ReadByte();
        stream.Position = 64;
        stream.WriteByte((byte)(value ^ 1));
    }

    private static async Task<long> Points(HttpClient client)
    {
        var response = await client.PostAsync("/api/datasets/synthetic/query", Json(TotalPoints));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows")[0][0].GetInt64();
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");
}
