using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Claims.Cluster.Hosting;
using Claims.Engine.Cohorts;
using Claims.Engine.Extracts;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;
using Claims.Testing;

namespace Claims.Sandbox.Tests;

/// <summary>
/// Cluster mode as it is deployed: three `claims silo` processes on loopback with their membership in Redis (apt's
/// redis-server) and the service as a process of its own, their client. A query through the API releases what
/// `claims query` releases over the unsplit dataset with a ledger of the same secret, and an extract holds its rows;
/// a silo killed with SIGKILL while the API answers queries changes no answer, and restarted, it joins again.
/// </summary>
[Collection(InProcessHostsCollection.Name)]
public sealed class ClusterProcessTests : IAsyncLifetime
{
    private const string BySex = """{"from": "receipts", "groupBy": ["sex"], "select": [{"count": "*", "as": "claims"}, {"sum": "total_points", "as": "points"}]}""";
    private const string Women = """{"name": "women 40 and over", "entry": {"table": "receipts"}, "inclusion": [{"name": "women", "sex": 2}, {"name": "40 and over", "age": [40, 120]}]}""";

    // From the CLI's own folder: beside the service's tests it would run on their dependencies, without Orleans' own.
    private static readonly string Claims = RepoPaths.BuildOutput("Claims.Cli", "claims.dll");

    private readonly TempDirectory _data = SandboxData.NewDataDir();
    private readonly string _clusterId = "sandbox-process-" + Guid.NewGuid().ToString("N")[..8];
    private readonly int _redisPort = RealProcess.FreePort();
    private readonly List<RealProcess> _processes = [];
    private readonly byte[] _secret = RandomSecret();

    public async Task InitializeAsync()
    {
        using (var restricted = Dataset.Open(_data.Combine("datasets", "restricted")))
            DatasetShards.Write(restricted, _data.Combine("split", "restricted"), 6);
        foreach (var releases in new[] { _data.Combine("releases"), _data.Combine("one-node-releases") })
        {
            Directory.CreateDirectory(releases);
            File.WriteAllBytes(Path.Combine(releases, "cell-key.secret"), _secret);
        }
        _processes.Add(await RealProcess.Redis(_redisPort));
    }

    [Fact]
    public async Task The_service_as_a_cluster_client_answers_queries_and_extracts_as_one_node_and_survives_a_killed_silo()
    {
        var silos = new List<string[]>();
        for (var i = 0; i < 3; i++)
        {
            silos.Add(["silo", "--shards", _data.Combine("split"), "--membership", "redis", "--redis", $"127.0.0.1:{_redisPort}", "--cluster-id", _clusterId,
                "--silo-port", RealProcess.FreePort().ToString(), "--gateway-port", RealProcess.FreePort().ToString(), "--threads", "1"]);
            _processes.Add(await RealProcess.Claims(Claims, "silo ready", silos[i]));
        }
        var address = new Uri($"http://127.0.0.1:{ServiceProcess.FreePort()}");
        using var service = ServiceProcess.Start(new Dictionary<string, string>(SandboxData.Environment(_data.Path))
        {
            ["ASPNETCORE_URLS"] = address.ToString(),
            ["CLAIMS_CLUSTER_DIR"] = _data.Combine("split", "restricted"),
            ["CLAIMS_CLUSTER_MEMBERSHIP"] = "redis",
            ["CLAIMS_CLUSTER_REDIS"] = $"127.0.0.1:{_redisPort}",
            ["CLAIMS_CLUSTER_ID"] = _clusterId,
        });
        try
        {
            using var admin = Client(address, SandboxData.AdminKey);
            Assert.Equal(HttpStatusCode.OK, (await ServiceProcess.WaitForHealth(admin)).StatusCode);
            using var analyst = Client(address, (await admin.NewUser("analyst")).Key);
            var project = await analyst.NewProject(["restricted"]);
            Assert.Equal(HttpStatusCode.OK, (await admin.Approve(project, DateTimeOffset.UtcNow.AddDays(1))).StatusCode);

            // A query: what `claims query` releases over the unsplit dataset to the same project with the same secret.
            var released = await Query(analyst, project);
            var query = _data.Combine("by-sex.json");
            File.WriteAllText(query, BySex);
            var (code, output) = await RealProcess.Run(Claims, "query", "--data", _data.Combine("datasets", "restricted"), "--query", query, "--project", project,
                "--releases", _data.Combine("one-node-releases"), "--format", "csv");
            Assert.True(code == 0, output);
            Assert.Equal(output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("rule:", StringComparison.Ordinal)).Skip(1), released);

            // An extract: the rows one node extracts for the same cohort (the pseudonyms are the project's own).
            var job = await analyst.Submit(project, "restricted", Women, ["receipts", "diagnoses"], "csv");
            Assert.Equal("succeeded", (await analyst.WaitForJob(job)).GetProperty("status").GetString());
            var extracted = (await analyst.DownloadVerified(job)).Where(e => e.Key.EndsWith(".csv", StringComparison.Ordinal))
                .ToDictionary(e => e.Key, e => ClusterModeTests.Unkeyed(Encoding.UTF8.GetString(e.Value)));
            using (var whole = Dataset.Open(_data.Combine("datasets", "restricted")))
            {
                var manifest = CohortExtract.Write(whole, whole.BuildCohort(Women), new ExtractRequest
                {
                    Project = "p", Key = new byte[32], Tables = ["receipts", "diagnoses"], Format = ExtractFormat.Csv, OutDirectory = _data.Combine("one-node-extract"),
                    CohortDefinitionJson = Women,
                });
                Assert.Equal(manifest.Files.Select(f => f.File).Order(), extracted.Keys.Order());
                foreach (var file in manifest.Files)
                {
                    Assert.True(file.Rows > 100, $"{file.File}: {file.Rows} rows");
                    Assert.Equal(ClusterModeTests.Unkeyed(File.ReadAllText(_data.Combine("one-node-extract", file.File))), extracted[file.File]);
                }
            }

            // Queries through the API while a silo is killed: every answer is the one before.
            using var stop = new CancellationTokenSource();
            var answers = 0;
            var queries = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    Assert.Equal(released, await Query(analyst, project));
                    Interlocked.Increment(ref answers);
                }
            });
            while (answers < 3) await Task.Delay(50);
            _processes[2].Kill();
            var killedAt = answers;
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (answers < killedAt + 10 && !queries.IsCompleted && DateTime.UtcNow < deadline) await Task.Delay(100);
            stop.Cancel();
            await queries;
            Assert.True(answers >= killedAt + 10, $"only {answers - killedAt} answers in 120 s after the kill");

            // Restarted on its ports, it joins again; the service never restarted, and answers alike.
            _processes.Add(await RealProcess.Claims(Claims, "silo ready", silos[1]));
            await using (var connection = await ClusterConnection.ConnectAsync(new ClusterSettings
            {
                Membership = Membership.Redis, Redis = $"127.0.0.1:{_redisPort}", ClusterId = _clusterId, ServiceId = _clusterId,
            }))
            {
                var management = connection.Client.GetGrain<Orleans.Runtime.IManagementGrain>(0);
                var joined = DateTime.UtcNow.AddSeconds(60);
                while ((await management.GetHosts(onlyActive: true)).Count < 3 && DateTime.UtcNow < joined) await Task.Delay(250);
                Assert.Equal(3, (await management.GetHosts(onlyActive: true)).Count);
            }
            Assert.Equal(released, await Query(analyst, project));
            var health = await admin.GetFromJsonAsync<JsonElement>("/api/datasets");
            Assert.True(health.EnumerateArray().Single(d => d.GetProperty("name").GetString() == "restricted").GetProperty("available").GetBoolean());
        }
        finally
        {
            service.Kill(entireProcessTree: true);
            await service.WaitForExitAsync();
        }
    }

    /// <summary>The released rows of <see cref="BySex"/>, each as CSV text.</summary>
    private static async Task<string[]> Query(HttpClient analyst, string project)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/datasets/restricted/query") { Content = new StringContent(BySex, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Claims-Project", project);
        using var response = await analyst.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return [.. JsonDocument.Parse(body).RootElement.GetProperty("rows").EnumerateArray().Select(row => string.Join(',', row.EnumerateArray().Select(v => v.GetRawText())))];
    }

    private static HttpClient Client(Uri address, string key) =>
        new() { BaseAddress = address, DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", key) } };

    private static byte[] RandomSecret()
    {
        var secret = new byte[32];
        new Random(61).NextBytes(secret);
        return secret;
    }

    public Task DisposeAsync()
    {
        foreach (var process in _processes) process.Dispose();
        _data.Dispose();
        return Task.CompletedTask;
    }
}
