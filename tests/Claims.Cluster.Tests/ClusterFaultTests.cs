using Claims.Cluster.Coordinator;
using Claims.Engine;
using Claims.Engine.Query;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;
using Orleans.Runtime;

namespace Claims.Cluster.Tests;

/// <summary>Its own cluster, since these kill silos and break shards.</summary>
[CollectionDefinition(Name)]
public sealed class FaultyClusterData : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster faults";
}

/// <summary>
/// The faults: a silo killed while queries run (the lost shards are retried on the survivors and the answers
/// equal the single node's), a deadline and a cancelled caller that stop the query, a shard whose file fails its
/// checksum (named, while other datasets keep answering).
/// </summary>
[Collection(FaultyClusterData.Name)]
public sealed class ClusterFaultTests(ClusterFixture fixture)
{
    private const string Query = """{"from": "receipts", "groupBy": ["sex", "age_band"], "select": [{"count": "*", "as": "n"}, {"sum": "total_points", "as": "s"}, {"countDistinct": "patient_id", "as": "p"}]}""";

    [Fact]
    public async Task A_silo_killed_while_queries_run_loses_no_answer_and_every_answer_equals_the_single_node_s()
    {
        var (cluster, transport) = fixture.Open(new ScatterOptions(TimeSpan.FromMinutes(2), 20, TimeSpan.FromMilliseconds(500)));
        using var _ = cluster;
        var expected = ClusterQueryTests.Rows(fixture.Dataset.Execute(Query));
        // Every shard's grain active somewhere before the kill, so the silo killed holds some of them.
        Assert.Equal(expected, ClusterQueryTests.Rows(cluster.Execute(Query)));
        var victim = fixture.Cluster.SecondarySilos[0];
        var hosted = await Activations(victim.SiloAddress);
        Assert.True(hosted > 0, "the silo to kill hosts no shard");

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
        // The kill lands while queries run, with scans certainly in flight on the silo killed: held there, they are
        // answered by nobody and must be asked again on a survivor.
        while (Volatile.Read(ref answers) < 2 && !queries.IsCompleted) await Task.Delay(20);
        using (var hold = CallHold.Arm(victim.SiloAddress))
        {
            Assert.True(await hold.Holding(TimeSpan.FromMinutes(1)), "no scan reached the silo to kill");
            await fixture.Cluster.KillSiloAsync(victim);
            var killedAt = Volatile.Read(ref answers);
            // Long enough for the membership to declare the silo dead and the queries to find its shards elsewhere.
            while (Volatile.Read(ref answers) < killedAt + 20 && !queries.IsCompleted) await Task.Delay(100);
            stop.Cancel();
            await queries;
        }
        Assert.True(transport.Retries > 0, "no call was lost to the killed silo, so nothing was retried");
        Assert.DoesNotContain(victim.SiloAddress, await Hosts());

        // A silo added takes new activations: a fresh split's 24 shards are placed across the cluster, the new silo
        // included, and answer alike.
        var added = await fixture.Cluster.StartAdditionalSiloAsync();
        await fixture.Cluster.WaitForLivenessToStabilizeAsync();
        Assert.Equal(expected, ClusterQueryTests.Rows(cluster.Execute(Query)));
        var more = Path.Combine(Path.GetDirectoryName(fixture.ClusterDirectory)!, "more-" + Guid.NewGuid().ToString("N")[..8]);
        DatasetShards.Write(fixture.Dataset, more, 24);
        using (var larger = ShardedDataset.Open(more, new GrainTransport(fixture.Cluster.Client)))
            Assert.Equal(expected, ClusterQueryTests.Rows(larger.Execute(Query)));
        Assert.True(await Activations(added.SiloAddress) > 0, "the added silo hosts none of 24 new shards");
    }

    [Fact]
    public void A_deadline_and_a_cancelled_caller_stop_the_query()
    {
        var (cluster, _) = fixture.Open(new ScatterOptions(TimeSpan.FromTicks(1), 1, TimeSpan.Zero));
        using (cluster)
        {
            // Warm shards can answer before the timer fires: what counts is that a deadline that passes stops the query.
            var outcomes = Enumerable.Range(0, 20).Select(_ => Record.Exception(() => cluster.Execute(Query))).ToList();
            var stopped = Assert.IsType<ShardsUnavailableException>(outcomes.First(e => e is not null), exactMatch: true);
            Assert.Contains("did not answer within", stopped.Message);
        }
        var (patient, _) = fixture.Open();
        using (patient)
        using (var cancelled = new CancellationTokenSource())
        {
            cancelled.Cancel();
            Assert.ThrowsAny<OperationCanceledException>(() => patient.Execute(Query, cancelled.Token));
        }
    }

    [Fact]
    public void A_shard_whose_file_fails_its_checksum_fails_the_query_naming_shard_and_file_and_other_datasets_keep_answering()
    {
        var broken = Path.Combine(Path.GetDirectoryName(fixture.ClusterDirectory)!, "broken-" + Guid.NewGuid().ToString("N")[..8]);
        DatasetShards.Write(fixture.Dataset, broken, 2);
        var file = Directory.EnumerateFiles(Path.Combine(broken, "shard-01"), "total_points.col", SearchOption.AllDirectories).First();
        var bytes = File.ReadAllBytes(file);
        bytes[^1] ^= 0x5A;
        File.WriteAllBytes(file, bytes);

        using var cluster = ShardedDataset.Open(broken, new GrainTransport(fixture.Cluster.Client));
        // The store's error, as one node gives it (a service answers it as damaged data, 503), with the shard in its file.
        var error = Assert.Throws<StoreException>(() => cluster.Execute(Query));
        Assert.StartsWith("shard-01/", error.File);
        Assert.EndsWith("total_points.col", error.File);
        Assert.Contains("checksum", error.Message);

        var (healthy, _) = fixture.Open();
        using (healthy)
            Assert.Equal(ClusterQueryTests.Rows(fixture.Dataset.Execute(Query)), ClusterQueryTests.Rows(healthy.Execute(Query)));
    }

    [Fact]
    public async Task A_stream_whose_silo_is_killed_resumes_on_a_survivor_with_no_part_lost_or_repeated()
    {
        var (cluster, _) = fixture.Open();
        using var _ = cluster;
        cluster.Execute(Query);
        var statistics = await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var secondaries = fixture.Cluster.SecondarySilos.ToDictionary(s => s.SiloAddress);
        var (victim, key) = statistics.Where(s => s.GrainType.Contains("ShardGrain", StringComparison.Ordinal) && secondaries.ContainsKey(s.SiloAddress))
            .Select(s => (secondaries[s.SiloAddress], s.GrainId.Key.ToString()!)).First(s => s.Item2.StartsWith(fixture.ClusterDirectory, StringComparison.Ordinal));
        var address = ShardAddress.Parse(key);
        var work = new ShardWork(ShardWorkKind.ExtractRows, """{"name": "all", "entry": {"table": "receipts"}}""", "receipts", Rows: 20, SchemaHash: cluster.Schema.Hash,
            DataEnd: fixture.Dataset.Months!.To, Project: "p", Key: Convert.ToBase64String(new byte[32]));
        List<byte[]> expected;
        using (var shard = address.Open()) expected = [.. work.Stream(shard, ExecutionOptions.Default)];
        Assert.True(expected.Count > 20, $"{expected.Count} parts");

        var transport = new GrainTransport(fixture.Cluster.Client, new ScatterOptions(TimeSpan.FromMinutes(2), 20, TimeSpan.FromMilliseconds(500)));
        var received = new List<byte[]>();
        await foreach (var part in transport.StreamAsync(address, work, CancellationToken.None))
        {
            received.Add(part);
            if (received.Count == 5) await fixture.Cluster.KillSiloAsync(victim);
        }
        Assert.True(transport.Retries > 0, "the stream was not lost with its silo, so nothing was resumed");
        Assert.Equal(expected.Count, received.Count);
        Assert.All(expected.Zip(received), pair => Assert.Equal(pair.First, pair.Second));
    }

    private async Task<int> Activations(SiloAddress silo) =>
        (await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics(hostsIds: [silo]))
        .Count(s => s.GrainType.Contains("ShardGrain", StringComparison.Ordinal));

    private async Task<HashSet<SiloAddress>> Hosts() =>
        [.. (await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics())
            .Where(s => s.GrainType.Contains("ShardGrain", StringComparison.Ordinal)).Select(s => s.SiloAddress)];
}
