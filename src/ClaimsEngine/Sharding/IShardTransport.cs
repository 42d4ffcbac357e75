namespace Claims.Engine.Sharding;

/// <summary>
/// Carries a coordinator's <see cref="ShardWork"/> to every shard of a split and brings back each one's answer:
/// Orleans grains in a cluster (Claims.Cluster), or anything else that can reach the shards. It owns how a shard
/// is reached, retried when its host is lost, and given up on at the deadline the token carries.
/// </summary>
public interface IShardTransport
{
    /// <summary>
    /// Each shard's answer to <paramref name="work"/>, in the order of <paramref name="shards"/>; fails if any shard
    /// cannot answer, and then stops asking the others.
    /// </summary>
    Task<IReadOnlyList<byte[]>> ScatterAsync(IReadOnlyList<ShardAddress> shards, ShardWork work, CancellationToken cancellationToken);

    /// <summary>
    /// The parts of <paramref name="shard"/>'s streamed answer to <paramref name="work"/> (<see cref="ShardWork.Stream"/>), in
    /// order, each once: a stream lost with the shard's host resumes where it broke off (<see cref="ShardWork.Skip"/>).
    /// </summary>
    IAsyncEnumerable<byte[]> StreamAsync(ShardAddress shard, ShardWork work, CancellationToken cancellationToken);
}
