namespace Claims.Cluster.Grains;

/// <summary>
/// One shard of a split dataset, keyed by its <see cref="Claims.Engine.Sharding.ShardAddress"/> (the shard's folder as
/// every silo sees it on shared storage, '#', the SHA-256 of the manifest its coordinator checked). It
/// runs a coordinator's <see cref="Claims.Engine.Sharding.ShardWork"/> (as its JSON) on the shard and returns the
/// answer's bytes: a partial aggregate, a cap's sample or a cohort, which only the coordinator reads; or streams it, part by
/// part (an extract's rows).
/// </summary>
public interface IShardGrain : IGrainWithStringKey
{
    Task<byte[]> Run(string work, CancellationToken cancellationToken);

    IAsyncEnumerable<byte[]> Stream(string work, CancellationToken cancellationToken);
}
