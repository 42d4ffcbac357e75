using System.Runtime.CompilerServices;
using Claims.Engine.Query;
using Claims.Engine.Sharding;

namespace Claims.Testing;

/// <summary>
/// A transport that runs each shard's work in this process, as a grain would on its silo, without Orleans: records
/// what was asked and may spoil the answers as a broken or hostile host would (review 31). <see cref="Runner"/> runs
/// work the engine does not run itself (a model's rows, which a silo hands to Claims.Modelling).
/// </summary>
public sealed class InProcessShards : IShardTransport
{
    public List<ShardWork> Asked { get; } = [];

    public List<ShardWork> Streamed { get; } = [];

    public Func<ShardWork, byte[][], byte[][]> Spoil { get; init; } = (_, answers) => answers;

    public Func<ShardWork, Claims.Engine.Storage.Dataset, CancellationToken, byte[]> Runner { get; init; } =
        (work, shard, cancellationToken) => work.Run(shard, ExecutionOptions.Default, cancellationToken);

    public Task<IReadOnlyList<byte[]>> ScatterAsync(IReadOnlyList<ShardAddress> shards, ShardWork work, CancellationToken cancellationToken)
    {
        Asked.Add(work);
        var answers = shards.Select(address =>
        {
            using var shard = address.Open();
            return Runner(work, shard, cancellationToken);
        }).ToArray();
        return Task.FromResult<IReadOnlyList<byte[]>>(Spoil(work, answers));
    }

    public async IAsyncEnumerable<byte[]> StreamAsync(ShardAddress shard, ShardWork work, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Streamed.Add(work);
        using var dataset = shard.Open();
        foreach (var part in work.Stream(dataset, ExecutionOptions.Default, cancellationToken))
        {
            await Task.Yield();
            yield return part;
        }
    }
}
