using Claims.Cluster.Coordinator;
using Claims.Cluster.Hosting;
using Claims.Cluster.Grains;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;
using Claims.Testing;
using Orleans.TestingHost;

namespace Claims.Cluster.Tests;

/// <summary>
/// A restricted dataset of 2,000 persons over four months, split into six shards, and an Orleans TestCluster of three
/// silos in this process serving them: the small cluster, where every shard's grain may land on any silo.
/// </summary>
public sealed class ClusterFixture : QueryFixture, IAsyncLifetime
{
    // A silo configurator is built by Orleans with no arguments, so the folder every test cluster's silos serve is
    // one for the process, and each fixture's data a folder inside it.
    private static readonly string s_shardRoot = Directory.CreateTempSubdirectory("claims-clusters-").FullName;

    private readonly TempDirectory _temp = new(Path.Combine(s_shardRoot, "fixture"));

    public ClusterFixture() : base(persons: 2_000, from: 202304, months: 4, seed: 41, access: DatasetAccess.Restricted)
    {
        DatasetShards.Write(Dataset, ClusterDirectory, Shards);
    }

    public const int Shards = 6;

    public string ClusterDirectory => _temp.Combine("cluster");

    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(3);
        builder.AddSiloBuilderConfigurator<Silos>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>The cluster's dataset as a coordinator sees it, with its own transport (whose retries a test may read).</summary>
    public (ShardedDataset Dataset, GrainTransport Transport) Open(ScatterOptions? options = null)
    {
        var transport = new GrainTransport(Cluster.Client, options);
        return (ShardedDataset.Open(ClusterDirectory, transport), transport);
    }

    /// <summary>A fresh release ledger with a fixed cell key secret, so two releases of one question draw the same noise.</summary>
    public ReleaseLedger NewLedger(int secret) => FixedLedgers.New(_temp.Combine("releases"), secret);

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        // The dataset and its oracle go in QueryFixture.Dispose, which xunit calls after this.
        _temp.Dispose();
        if (!Directory.EnumerateFileSystemEntries(s_shardRoot).Any()) Directory.Delete(s_shardRoot);
    }

    private sealed class Silos : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) =>
            silo.AddClaimsShards(new ShardRoots([s_shardRoot]), ExecutionOptions.Default).AddIncomingGrainCallFilter<CallHold>();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterData : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
