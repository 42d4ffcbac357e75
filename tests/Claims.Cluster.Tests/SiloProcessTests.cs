using Claims.Cluster.Hosting;
using Claims.Engine.Query;
using Claims.Testing;

namespace Claims.Cluster.Tests;

/// <summary>
/// The cluster as it is deployed: three `claims silo` processes on loopback with their membership in Redis (a real
/// provider, apt's redis-server), this process as the cluster's client and `claims query --cluster` as a process.
/// A silo killed with SIGKILL while queries run costs no answer and changes none; restarted, it joins again.
/// </summary>
[Collection(ClusterData.Name)]
public sealed class SiloProcessTests(ClusterFixture fixture) : IAsyncLifetime
{
    private const string Query = """{"from": "receipts", "groupBy": ["sex", "age_band"], "select": [{"count": "*", "as": "n"}, {"sum": "total_points", "as": "s"}, {"countDistinct": "patient_id", "as": "p"}]}""";

    private static readonly string Claims = typeof(Cli.ClaimsCli).Assembly.Location;

    private readonly string _clusterId = "claims-test-" + Guid.NewGuid().ToString("N")[..8];
    private readonly int _redisPort = RealProcess.FreePort();
    private readonly List<RealProcess> _processes = [];
    private RealProcess? _redis;

    public async Task InitializeAsync() => _redis = await RealProcess.Redis(_redisPort);

    [Fact]
    public async Task Three_silo_processes_with_Redis_membership_answer_as_one_node_and_survive_a_killed_silo()
    {
        var silos = new List<(RealProcess Process, string[] Args)>();
        for (var i = 0; i < 3; i++) silos.Add(await Silo());
        // Calls in flight to the silo killed are answered by nobody: a short response timeout ends them sooner.
        var settings = new ClusterSettings
        {
            Membership = Membership.Redis, Redis = $"127.0.0.1:{_redisPort}", ClusterId = _clusterId, ServiceId = _clusterId, ResponseTimeout = TimeSpan.FromSeconds(5),
        };
        await using var connection = await ClusterConnection.ConnectAsync(settings);
        using var cluster = connection.Open(fixture.ClusterDirectory, new Coordinator.ScatterOptions(TimeSpan.FromMinutes(2), 30, TimeSpan.FromMilliseconds(500)));
        var expected = ClusterQueryTests.Rows(fixture.Dataset.Execute(Query));
        Assert.Equal(expected, ClusterQueryTests.Rows(cluster.Execute(Query)));
        Assert.Equal(3, (await connection.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count);

        // The query command as a process, through the same silos, releases what it releases over the unsplit data
        // with a ledger of the same secret.
        var folder = Path.GetDirectoryName(fixture.ClusterDirectory)!;
        var query = Path.Combine(folder, $"query-{_clusterId}.json");
        File.WriteAllText(query, """{"from": "receipts", "groupBy": ["sex"], "select": [{"count": "*", "as": "n"}, {"sum": "total_points", "as": "s"}]}""");
        string[] Released(string releases) => ["--query", query, "--project", "p", "--releases", releases, "--format", "csv"];
        var throughCluster = await RealProcess.Run(Claims, ["query", "--cluster", fixture.ClusterDirectory, "--membership", "redis", "--redis", settings.Redis!,
            "--cluster-id", _clusterId, .. Released(fixture.NewLedger(5).Directory)]);
        var onOneNode = await RealProcess.Run(Claims, ["query", "--data", fixture.Dataset.Directory, .. Released(fixture.NewLedger(5).Directory)]);
        Assert.True(throughCluster.Code == 0, throughCluster.Output);
        Assert.StartsWith("sex,n,s", throughCluster.Output);
        Assert.Equal(onOneNode.Output, throughCluster.Output);

        // So do the cohort and extract commands: the released attrition, and the extract's rows.
        var cohort = Path.Combine(folder, $"cohort-{_clusterId}.json");
        File.WriteAllText(cohort, """{"name": "women", "entry": {"table": "receipts"}, "inclusion": [{"name": "women", "sex": 2}]}""");
        string[] Cluster(string command) => [command, "--cluster", fixture.ClusterDirectory, "--membership", "redis", "--redis", settings.Redis!, "--cluster-id", _clusterId];
        string[] Cohort(string releases) => ["--def", cohort, "--project", "p", "--releases", releases, "--json"];
        var cohortThroughCluster = await RealProcess.Run(Claims, [.. Cluster("cohort"), .. Cohort(fixture.NewLedger(6).Directory)]);
        var cohortOnOneNode = await RealProcess.Run(Claims, ["cohort", "--data", fixture.Dataset.Directory, .. Cohort(fixture.NewLedger(6).Directory)]);
        Assert.True(cohortThroughCluster.Code == 0, cohortThroughCluster.Output);
        static string Attrition(string output) => System.Text.Json.JsonDocument.Parse(output).RootElement.GetProperty("attrition").ToString();
        Assert.Equal(Attrition(cohortOnOneNode.Output), Attrition(cohortThroughCluster.Output));
        string[] Extract(string releases, string output) =>
            ["--def", cohort, "--project", "p", "--releases", releases, "--key-file", Path.Combine(folder, $"key-{_clusterId}"), "--tables", "receipts", "--format", "csv", "--out", output];
        var extracts = new[] { Path.Combine(folder, $"one-{_clusterId}"), Path.Combine(folder, $"many-{_clusterId}") };
        var extractOnOneNode = await RealProcess.Run(Claims, ["extract", "--data", fixture.Dataset.Directory, .. Extract(fixture.NewLedger(6).Directory, extracts[0])]);
        var extractThroughCluster = await RealProcess.Run(Claims, [.. Cluster("extract"), .. Extract(fixture.NewLedger(6).Directory, extracts[1])]);
        Assert.True(extractThroughCluster.Code == 0 && extractOnOneNode.Code == 0, extractThroughCluster.Output + extractOnOneNode.Output);
        var rows = extracts.Select(e => File.ReadAllLines(Path.Combine(e, "receipts.csv")).Order(StringComparer.Ordinal).ToArray()).ToArray();
        Assert.True(rows[0].Length > 100, $"{rows[0].Length} rows");
        Assert.Equal(rows[0], rows[1]);
        var both = await RealProcess.Run(Claims, [.. Cluster("cohort"), "--data", fixture.Dataset.Directory, .. Cohort(fixture.NewLedger(6).Directory)]);
        Assert.Contains("--data and --cluster: name one dataset, not both", both.Output);

        using var stop = new CancellationTokenSource();
        var answers = 0;
        var queries = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                Assert.Equal(expected, ClusterQueryTests.Rows(cluster.Execute(Query)));
                Interlocked.Increment(ref answers);
            }
        });
        while (answers < 3) await Task.Delay(50);
        var victimPort = silos[1].Args[Array.IndexOf(silos[1].Args, "--silo-port") + 1];
        var hosts = (await connection.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics())
            .Where(s => s.GrainType.Contains("ShardGrain", StringComparison.Ordinal)).Select(s => s.SiloAddress.Endpoint.Port.ToString()).ToList();
        Assert.Contains(victimPort, hosts);
        silos[1].Process.Kill();
        var killedAt = answers;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (answers < killedAt + 20 && !queries.IsCompleted && DateTime.UtcNow < deadline) await Task.Delay(100);
        stop.Cancel();
        await queries;
        Assert.True(answers >= killedAt + 20, $"only {answers - killedAt} answers in 90 s after the kill");

        // Restarted on the same ports, it joins the cluster again and the answers stay the same.
        silos[1] = (await RealProcess.Claims(Claims, "silo ready", silos[1].Args), silos[1].Args);
        _processes.Add(silos[1].Process);
        var joined = DateTime.UtcNow.AddSeconds(60);
        while ((await connection.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count < 3 && DateTime.UtcNow < joined) await Task.Delay(250);
        Assert.Equal(3, (await connection.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count);
        Assert.Equal(expected, ClusterQueryTests.Rows(cluster.Execute(Query)));
    }

    [Fact]
    public async Task A_query_command_with_no_silo_to_reach_says_which_cluster_it_looked_for()
    {
        var query = Path.Combine(Path.GetDirectoryName(fixture.ClusterDirectory)!, $"count-{_clusterId}.json");
        File.WriteAllText(query, """{"from": "receipts", "select": [{"count": "*", "as": "n"}]}""");
        var (code, output) = await RealProcess.Run(Claims, "query", "--cluster", fixture.ClusterDirectory, "--gateways", RealProcess.FreePort().ToString(),
            "--cluster-id", _clusterId, "--query", query, "--project", "p");
        Assert.Equal(2, code);
        Assert.Contains($"no silo of cluster '{_clusterId}' answered", output);
        // A Redis that is not there is the same answer, not a crash.
        (code, output) = await RealProcess.Run(Claims, "query", "--cluster", fixture.ClusterDirectory, "--membership", "redis", "--redis", $"127.0.0.1:{RealProcess.FreePort()}",
            "--cluster-id", _clusterId, "--query", query, "--project", "p");
        Assert.True(code == 2, output);
        Assert.StartsWith($"error: no silo of cluster '{_clusterId}' answered (Redis membership", output);
    }

    private async Task<(RealProcess, string[])> Silo()
    {
        string[] args = ["silo", "--shards", Path.GetDirectoryName(fixture.ClusterDirectory)!, "--membership", "redis", "--redis", $"127.0.0.1:{_redisPort}",
            "--cluster-id", _clusterId, "--silo-port", RealProcess.FreePort().ToString(), "--gateway-port", RealProcess.FreePort().ToString(), "--threads", "1"];
        var silo = await RealProcess.Claims(Claims, "silo ready", args);
        _processes.Add(silo);
        return (silo, args);
    }

    public Task DisposeAsync()
    {
        foreach (var process in _processes) process.Dispose();
        _redis?.Dispose();
        return Task.CompletedTask;
    }
}
