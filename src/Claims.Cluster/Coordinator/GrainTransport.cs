using Claims.Cluster.Grains;
using Claims.Engine;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;
using Orleans.Runtime;

namespace Claims.Cluster.Coordinator;

/// <summary>How long a coordinator waits for its shards, and how it retries one whose silo was lost.</summary>
/// <param name="Deadline">The whole scatter's time limit, retries included: past it every shard's call is cancelled.</param>
/// <param name="Attempts">Calls per shard before its silo's loss fails the query.</param>
/// <param name="Backoff">The wait before a retry, times the attempt's number: Orleans needs a moment to declare a silo dead and place the shard's grain on another.</param>
public sealed record ScatterOptions(TimeSpan Deadline, int Attempts, TimeSpan Backoff)
{
    public static readonly ScatterOptions Default = new(TimeSpan.FromMinutes(5), 8, TimeSpan.FromSeconds(1));
}

/// <summary>
/// Scatters a coordinator's work to every shard's grain at once and gathers the answers. A call that fails because
/// its silo went away (killed, partitioned, shutting down) is retried after a pause, by which time Orleans has
/// activated the shard's grain on a surviving silo; the shards already answered are not asked again. A shard's own
/// error (its files fail their checksums, the query is wrong for it) fails the query at once, naming the shard.
/// One deadline covers the whole scatter, and cancelling reaches every shard's scan.
/// </summary>
public sealed class GrainTransport(IGrainFactory grains, ScatterOptions? options = null) : IShardTransport
{
    private readonly ScatterOptions _options = options ?? ScatterOptions.Default;

    /// <summary>Retries made so far because a silo was lost (the fault tests read it).</summary>
    public int Retries => _retries;

    private int _retries;

    public async Task<IReadOnlyList<byte[]>> ScatterAsync(IReadOnlyList<string> shards, ShardWork work, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.Deadline);
        var text = work.ToJson();
        try
        {
            return await Task.WhenAll(shards.Select(shard => Call(shard, text, deadline.Token)));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ClaimsException($"the cluster did not answer within {_options.Deadline.TotalSeconds:0.#} s");
        }
    }

    private async Task<byte[]> Call(string shard, string work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await grains.GetGrain<IShardGrain>(shard).Run(work, cancellationToken);
            }
            catch (Exception e) when (Lost(e) && attempt < _options.Attempts && !cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref _retries);
                await Task.Delay(_options.Backoff * attempt, cancellationToken);
            }
            // A damaged file stays the store's error (a service answers it as its data's fault, not the caller's).
            catch (ShardFailedException e) when (e.File is not null)
            {
                throw new StoreException($"{Path.GetFileName(shard)}/{e.File}", e.Reason);
            }
            catch (Exception e) when (!Lost(e) && e is not OperationCanceledException)
            {
                throw new ClaimsException($"shard {Path.GetFileName(shard)}: {e.Message}");
            }
        }
    }

    /// <summary>The call failed because its silo or the way to it was lost, not because of anything the shard said.</summary>
    private static bool Lost(Exception e) =>
        e is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException
            or ClientNotAvailableException or GatewayTooBusyException;
}
