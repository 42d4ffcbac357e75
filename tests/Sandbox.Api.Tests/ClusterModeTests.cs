using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Claims.Cluster.Grains;
using Claims.Cluster.Hosting;
using Claims.Engine.Query;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;
using Claims.Sandbox.Identity;
using Claims.Sandbox.Projects;
using Claims.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Claims.Sandbox.Tests;

/// <summary>
/// The service in cluster mode (one setting, CLAIMS_CLUSTER_DIR): its restricted dataset split into four shards that
/// two silos serve, queried through the API as the embedded service answers it over the unsplit data, with the same
/// ledger secret, and so are its cohorts, extracts and models; the synthetic dataset still served in the process; what
/// needs the dataset opened here (the dashboard) answered 501;
/// a cluster that cannot be reached leaves the restricted dataset unavailable (503) and the rest serving.
/// </summary>
[Collection(InProcessHostsCollection.Name)]
public sealed class ClusterModeTests : IAsyncLifetime
{
    private const string ByPrefecture = """{"from": "receipts", "groupBy": ["prefecture"], "select": [{"count": "*", "as": "claims"}, {"sum": "total_points", "as": "points"}], "orderBy": [{"col": "prefecture"}]}""";

    private readonly TempDirectory _embeddedData = SandboxData.NewDataDir();
    private readonly TempDirectory _clusterData = SandboxData.NewDataDir();
    private readonly string _clusterId = "sandbox-test-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<IHost> _silos = [];
    private int[] _gateways = [];

    public async Task InitializeAsync()
    {
        using (var restricted = Dataset.Open(_clusterData.Combine("datasets", "restricted")))
            DatasetShards.Write(restricted, _clusterData.Combine("split", "restricted"), 4);
        var primary = RealProcess.FreePort();
        _gateways = [RealProcess.FreePort(), RealProcess.FreePort()];
        for (var i = 0; i < 2; i++)
        {
            var settings = new ClusterSettings
            {
                ClusterId = _clusterId, ServiceId = _clusterId, SiloPort = i == 0 ? primary : RealProcess.FreePort(), PrimarySiloPort = primary, GatewayPort = _gateways[i],
            };
            var silo = ClusterHosting.Silo(settings, new ShardRoots([_clusterData.Combine("split")]), ExecutionOptions.Default);
            await silo.StartAsync();
            _silos.Add(silo);
        }
        // One cell key secret for both services, so the same question on the same patients releases the same figures.
        var secret = new byte[32];
        new Random(16).NextBytes(secret);
        foreach (var data in new[] { _embeddedData, _clusterData })
        {
            Directory.CreateDirectory(data.Combine("releases"));
            File.WriteAllBytes(data.Combine("releases", "cell-key.secret"), secret);
        }
    }

    [Fact]
    public async Task The_restricted_dataset_s_queries_go_to_the_cluster_and_release_what_the_embedded_service_releases()
    {
        using var embedded = Service(_embeddedData, cluster: null);
        using var clustered = Service(_clusterData, _clusterData.Combine("split", "restricted"));
        var fromCluster = await (await (await clustered.As(Roles.Analyst)).SendAsync(InProject(ByPrefecture))).Content.ReadFromJsonAsync<JsonElement>();
        var fromEmbedded = await (await (await embedded.As(Roles.Analyst)).SendAsync(InProject(ByPrefecture))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(fromCluster.TryGetProperty("rows", out var rows) && rows.GetArrayLength() > 10, fromCluster.ToString());
        Assert.Equal(fromEmbedded.GetProperty("rows").ToString(), rows.ToString());
        Assert.Equal(fromEmbedded.GetProperty("suppressed").ToString(), fromCluster.GetProperty("suppressed").ToString());
        Assert.Equal(fromEmbedded.GetProperty("rules").ToString(), fromCluster.GetProperty("rules").ToString());

        // Listed with the whole dataset's rows (every shard's), its schema served; the synthetic dataset still queried here.
        var admin = clustered.WithKey(SandboxData.AdminKey);
        var listed = (await admin.GetFromJsonAsync<JsonElement>("/api/datasets")).EnumerateArray().Single(d => d.GetProperty("name").GetString() == "restricted");
        using (var whole = Dataset.Open(_embeddedData.Combine("datasets", "restricted")))
            Assert.Equal(whole.RowCount, listed.GetProperty("rows").GetInt64());
        Assert.True(listed.GetProperty("available").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/datasets/restricted/schema")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/datasets/synthetic/query",
            new StringContent("""{"from": "receipts", "select": [{"count": "*", "as": "n"}]}""", Encoding.UTF8, "application/json"))).StatusCode);

        // A cohort's attrition is built on the shards and released here as the embedded service releases it.
        var fromShards = await (await (await clustered.As(Roles.Analyst)).SendAsync(InProject(Aged, "cohorts/count"))).Content.ReadFromJsonAsync<JsonElement>();
        var fromOne = await (await (await embedded.As(Roles.Analyst)).SendAsync(InProject(Aged, "cohorts/count"))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(fromShards.TryGetProperty("attrition", out var attrition) && attrition.GetArrayLength() == 3, fromShards.ToString());
        Assert.Equal(fromOne.GetProperty("attrition").ToString(), attrition.ToString());
        Assert.Equal(fromOne.GetProperty("count").ToString(), fromShards.GetProperty("count").ToString());
        // To a caller the dataset is closed to, the refusal it gets in embedded mode.
        var explorer = await clustered.As(Roles.Explorer);
        Assert.Equal(HttpStatusCode.Forbidden, (await explorer.SendAsync(InProject("""{"name": "c", "entry": {"table": "receipts"}}""", "cohorts/count"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await explorer.SendAsync(InProject(ByPrefecture))).StatusCode);

        // A project on it is applied for as in embedded mode, its period checked against every shard's months.
        var analyst = await clustered.As(Roles.Analyst);
        Assert.Equal(HttpStatusCode.Created, (await analyst.PostAsJsonAsync("/api/projects",
            new { title = "t", purpose = "p", datasets = new[] { "restricted" }, period = new { from = 202305, to = 202306 } })).StatusCode);
        var outside = await analyst.PostAsJsonAsync("/api/projects", new { title = "t", purpose = "p", datasets = new[] { "restricted" }, period = new { from = 201901, to = 201902 } });
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
    }

    [Fact]
    public async Task An_extract_of_the_restricted_dataset_is_written_from_the_shards_rows_as_the_embedded_service_writes_it()
    {
        var extracts = new List<Dictionary<string, string[]>>();
        var models = new List<string>();
        foreach (var cluster in new[] { null, _clusterData.Combine("split", "restricted") })
        {
            using var service = Service(cluster is null ? _embeddedData : _clusterData, cluster, realProjects: true);
            var admin = service.WithKey(SandboxData.AdminKey);
            var analyst = service.WithKey((await admin.NewUser("analyst")).Key);
            var project = await analyst.NewProject(["restricted"], period: (202305, 202308));
            Assert.Equal(HttpStatusCode.OK, (await admin.Approve(project, DateTimeOffset.UtcNow.AddDays(1))).StatusCode);
            var job = await analyst.Submit(project, "restricted", Aged, ["receipts", "drugs"], "csv");
            Assert.Equal("succeeded", (await analyst.WaitForJob(job)).GetProperty("status").GetString());
            // A model job runs on the shards' rows too: the small restricted dataset's population is refused on its
            // released counts, as the embedded service refuses it.
            var model = await analyst.TrainModel(project, "restricted", SandboxApi.ModelSpec);
            Assert.True(model.StatusCode == HttpStatusCode.Accepted, await model.Content.ReadAsStringAsync());
            var trained = await analyst.WaitForJob((await model.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString()!);
            Assert.Equal("failed", trained.GetProperty("status").GetString());
            models.Add(trained.GetProperty("error").GetString()!);
            if (cluster is not null)
            {
                // The policymakers' dashboard needs the dataset opened here: 501, saying what cluster mode serves.
                var dashboard = await service.WithKey((await admin.NewUser("policymaker")).Key).GetAsync("/api/dashboards/costs");
                Assert.Equal(HttpStatusCode.NotImplemented, dashboard.StatusCode);
                Assert.Contains("served by a cluster", (await dashboard.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
            }
            extracts.Add((await analyst.DownloadVerified(job)).Where(e => e.Key.EndsWith(".csv", StringComparison.Ordinal))
                .ToDictionary(e => e.Key, e => Unkeyed(Encoding.UTF8.GetString(e.Value))));
        }
        Assert.Contains("on restricted data", models[0]);
        Assert.Equal(models[0], models[1]);
        // Each service's project has its own pseudonym key; everything else is the same rows.
        Assert.Equal(extracts[0].Keys.Order(), extracts[1].Keys.Order());
        foreach (var (file, rows) in extracts[0])
        {
            Assert.True(rows.Length > 100, $"{file}: {rows.Length} rows");
            Assert.Equal(rows, extracts[1][file]);
        }
    }

    [Fact]
    public async Task A_public_split_is_not_served_as_the_restricted_dataset()
    {
        using (var synthetic = Dataset.Open(_clusterData.Combine("datasets", "synthetic")))
            DatasetShards.Write(synthetic, _clusterData.Combine("split", "public"), 2);
        using var service = Service(_clusterData, _clusterData.Combine("split", "public"));
        var listed = (await service.WithKey(SandboxData.AdminKey).GetFromJsonAsync<JsonElement>("/api/datasets")).EnumerateArray()
            .Single(d => d.GetProperty("name").GetString() == "restricted");
        Assert.False(listed.GetProperty("available").GetBoolean());
        Assert.Contains("is public; cluster mode serves the restricted dataset", listed.GetProperty("unavailable").GetString());
        // Closed to an explorer as restricted data is; unavailable to an analyst in a project.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await service.As(Roles.Explorer)).PostAsync("/api/datasets/restricted/query",
            new StringContent(ByPrefecture, Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await (await service.As(Roles.Analyst)).SendAsync(InProject(ByPrefecture))).StatusCode);
    }

    [Fact]
    public async Task A_cluster_that_cannot_be_reached_leaves_the_restricted_dataset_unavailable_and_the_rest_serving()
    {
        using var lost = Service(_clusterData, _clusterData.Combine("split", "restricted"), gateways: RealProcess.FreePort().ToString());
        var admin = lost.WithKey(SandboxData.AdminKey);
        var listed = (await admin.GetFromJsonAsync<JsonElement>("/api/datasets")).EnumerateArray().Single(d => d.GetProperty("name").GetString() == "restricted");
        Assert.False(listed.GetProperty("available").GetBoolean());
        Assert.Contains($"no silo of cluster '{_clusterId}' answered", listed.GetProperty("unavailable").GetString());
        var query = await (await lost.As(Roles.Analyst)).SendAsync(InProject(ByPrefecture));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, query.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/datasets/synthetic/query",
            new StringContent("""{"from": "receipts", "select": [{"count": "*", "as": "n"}]}""", Encoding.UTF8, "application/json"))).StatusCode);
    }

    private const string Aged = """{"name": "aged", "entry": {"table": "receipts"}, "inclusion": [{"name": "aged 40 or more", "age": [40, 120]}, {"name": "women", "sex": 2}]}""";

    private WebApplicationFactory<Program> Service(TempDirectory data, string? cluster, string? gateways = null, bool realProjects = false) =>
        new Factory(data.Path, cluster, gateways ?? string.Join(",", _gateways), _clusterId, realProjects);

    /// <summary>A CSV extract's rows without its id columns (patient_id and the record ids, pseudonymised), sorted.</summary>
    internal static string[] Unkeyed(string csv)
    {
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var keyed = lines[0].Split(',').Select((name, i) => (name, i)).Where(c => c.name.EndsWith("_id", StringComparison.Ordinal)).Select(c => c.i).ToHashSet();
        return [.. lines.Select(line => string.Join(',', line.Split(',').Where((_, i) => !keyed.Contains(i)))).Order(StringComparer.Ordinal)];
    }

    private static HttpRequestMessage InProject(string body, string endpoint = "query")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/datasets/restricted/{endpoint}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Claims-Project", FakeProjectAccess.Project);
        return request;
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.StopAsync();
            silo.Dispose();
        }
        _embeddedData.Dispose();
        _clusterData.Dispose();
    }

    private sealed class Factory(string data, string? cluster, string gateways, string clusterId, bool realProjects) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in SandboxData.Environment(data)) builder.UseSetting(key, value);
            if (cluster is not null)
            {
                builder.UseSetting("CLAIMS_CLUSTER_DIR", cluster);
                builder.UseSetting("CLAIMS_CLUSTER_GATEWAYS", gateways);
                builder.UseSetting("CLAIMS_CLUSTER_ID", clusterId);
            }
            if (!realProjects) builder.ConfigureTestServices(s => s.AddSingleton<IProjectAccess>(new FakeProjectAccess()));
        }
    }
}
