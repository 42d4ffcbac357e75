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
/// ledger secret; the synthetic dataset still served in the process; what needs the dataset opened here answered 501;
/// a cluster that cannot be reached leaves the restricted dataset unavailable (503) and the rest serving.
/// </summary>
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

        // A cohort of the restricted dataset needs it opened here: 501, saying what cluster mode serves; to a caller the
        // dataset is closed to anyway, the refusal it gets in embedded mode, first.
        var cohort = await (await clustered.As(Roles.Analyst)).SendAsync(InProject("""{"name": "c", "entry": {"table": "receipts"}}""", "cohorts/count"));
        Assert.Equal(HttpStatusCode.NotImplemented, cohort.StatusCode);
        Assert.Contains("served by a cluster", (await cohort.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
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

    private WebApplicationFactory<Program> Service(TempDirectory data, string? cluster, string? gateways = null) =>
        new Factory(data.Path, cluster, gateways ?? string.Join(",", _gateways), _clusterId);

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

    private sealed class Factory(string data, string? cluster, string gateways, string clusterId) : WebApplicationFactory<Program>
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
            builder.ConfigureTestServices(s => s.AddSingleton<IProjectAccess>(new FakeProjectAccess()));
        }
    }
}
