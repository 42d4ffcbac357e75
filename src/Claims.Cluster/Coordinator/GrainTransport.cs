using System.Runtime.CompilerServices;
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
/// <param name="SiloCheck">How often a pending call looks whether a silo has left the cluster (<see cref="SiloWatch"/>); a second when not given.</param>
public sealed record ScatterOptions(TimeSpan Deadline, int Attempts, TimeSpan Backoff, TimeSpan SiloCheck = default)
{
    public static readonly ScatterOptions Default = new(TimeSpan.FromMinutes(5), 8, TimeSpan.FromSeconds(1));

    internal TimeSpan CheckEvery => SiloCheck > TimeSpan.Zero ? SiloCheck : TimeSpan.FromSeconds(1);
}

/// <summary>
/// Scatters a coordinator's work to every shard's grain at once and gathers the answers. A call that fails because
/// its silo went away (killed, partitioned, shutting down) is retried after a pause, by which time Orleans has
/// activated the shard's grain on a surviving silo; the shards already answered are not asked again. A shard's own
/// error (its files fail their checksums, the question is wrong for it) fails the query at once, naming the shard,
/// and cancels the other shards' scans. One deadline covers the whole scatter, and cancelling reaches every shard.
/// A call to a silo killed while it scanned is answered by nobody: it is abandoned once the membership has declared a
/// silo dead (<see cref="SiloWatch"/>), or at the latest at its response timeout
/// (<see cref="Hosting.ClusterSettings.ResponseTimeout"/>), and retried like any call lost with its silo.
/// </summary>
public sealed class GrainTransport(IGrainFactory grains, ScatterOptions? options = null) : IShardTransport
{
    private readonly ScatterOptions _options = options ?? ScatterOptions.Default;
    private readonly SiloWatch _watch = new(grains, (options ?? ScatterOptions.Default).CheckEvery);
    private int _retries;

    /// <summary>Retries made so far because a silo was lost (the fault tests read it).</summary>
    public int Retries => _retries;

    public async Task<IReadOnlyList<byte[]>> ScatterAsync(IReadOnlyList<ShardAddress> shards, ShardWork work, CancellationToken cancellationToken)
    {
        using var scatter = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        scatter.CancelAfter(_options.Deadline);
        var text = work.ToJson();
        var calls = shards.Select(shard => Call(shard, text, scatter)).ToArray();
        try
        {
            // Faulted if any call failed (its failure is thrown, not its siblings' cancellations); cancelled only by
            // the deadline or the caller.
            return await Task.WhenAll(calls);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ShardsUnavailableException($"the cluster did not answer within {_options.Deadline.TotalSeconds:0.#} s");
        }
    }

    /// <summary>
    /// A shard's streamed answer, one part per grain response. A stream lost with its silo is asked again after the
    /// pause, from the first part not yet received, so the caller sees each part once; no deadline is set (an extract
    /// runs as long as its rows take), only the caller's token.
    /// </summary>
    public async IAsyncEnumerable<byte[]> StreamAsync(ShardAddress shard, ShardWork work, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var received = 0;
        for (var attempt = 1; ; attempt++)
        {
            // One part per message: a part is a batch of rows, and Orleans would otherwise pack many into one.
            var before = await _watch.Alive();
            var stream = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var parts = grains.GetGrain<IShardGrain>(shard.Key).Stream((work with { Skip = work.Skip + received }).ToJson(), stream.Token).WithBatchSize(1);
            var enumerator = parts.GetAsyncEnumerator(stream.Token);
            var lost = false;
            try
            {
                for (; ; )
                {
                    bool more;
                    try
                    {
                        more = await _watch.Watch(enumerator.MoveNextAsync().AsTask(), before, stream, cancellationToken);
                    }
                    // A shard grain activated again elsewhere (its silo lost, or it idled past Orleans' expiry) holds no
                    // record of the stream: asked again from the part it stopped at, as a lost silo's is.
                    catch (Exception e) when ((Lost(e) || e is EnumerationAbortedException) && attempt < _options.Attempts && !cancellationToken.IsCancellationRequested)
                    {
                        lost = true;
                        break;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        throw Failure(shard, e, attempt);
                    }
                    if (!more) yield break;
                    received++;
                    // Attempts count losses in a row: a long extract may outlive many silos, each time going on.
                    attempt = 1;
                    yield return enumerator.Current;
                }
            }
            finally
            {
                // A stream lost with its silo is let go, not closed: closing it would wait on the silo that is gone.
                if (lost) _ = enumerator.DisposeAsync().AsTask().ContinueWith(static t => t.Exception, TaskScheduler.Default);
                else await enumerator.DisposeAsync();
                stream.Dispose();
            }
            Interlocked.Increment(ref _retries);
            await Task.Delay(_options.Backoff * attempt, cancellationToken);
        }
    }

    private async Task<byte[]> Call(ShardAddress shard, string work, CancellationTokenSource scatter)
    {
        var attempt = 1;
        try
        {
            for (; ; attempt++)
            {
                try
                {
                    var before = await _watch.Alive();
                    using var call = CancellationTokenSource.CreateLinkedTokenSource(scatter.Token);
                    return await _watch.Watch(grains.GetGrain<IShardGrain>(shard.Key).Run(work, call.Token), before, call, scatter.Token);
                }
                catch (Exception e) when (Lost(e) && attempt < _options.Attempts && !scatter.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _retries);
                    await Task.Delay(_options.Backoff * attempt, scatter.Token);
                }
            }
        }
        // A call lost as the deadline or the caller ended the scatter is that ending, not a silo's fault.
        catch (Exception e) when (Lost(e) && scatter.IsCancellationRequested)
        {
            throw new OperationCanceledException(scatter.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The query has failed: the other shards' scans are work nobody will read.
            await scatter.CancelAsync();
            throw Failure(shard, e, attempt);
        }
    }

    private static Exception Failure(ShardAddress shard, Exception e, int attempt) => e switch
    {
        // A damaged file stays the store's error (a service answers it as its data's fault, not the caller's).
        ShardFailedException { File: { } file } failed => new StoreException($"{shard}/{file}", failed.Reason),
        _ when Lost(e) => new ShardsUnavailableException($"shard {shard}: its silo was lost {attempt} times; the cluster has too few silos left, or none can read the shard", e),
        // The coordinator bound the question before asking: what a shard refuses is the deployment's (a shard
        // not served, changed, of another build), not the caller's.
        ShardFailedException failed => new ShardsUnavailableException($"shard {shard}: {failed.Reason}", e),
        _ => new ShardsUnavailableException($"shard {shard} could not answer ({e.GetType().Name})", e),
    };

    /// <summary>The call failed because its silo or the way to it was lost, not because of anything the shard said.</summary>
    private static bool Lost(Exception e) =>
        e is SiloUnavailableException or OrleansMessageRejectionException or ClientNotAvailableException or GatewayTooBusyException or TimeoutException or SiloLostException;
}
