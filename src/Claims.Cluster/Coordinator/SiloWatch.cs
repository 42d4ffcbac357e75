using Orleans.Runtime;

namespace Claims.Cluster.Coordinator;

/// <summary>
/// The silos alive in the cluster as its membership last said, read at most once an interval, and calls watched
/// against it. Orleans leaves a call to a silo killed while it worked unanswered until the response timeout, which a
/// service's own time limit is shorter than; a watched call still pending after an interval is abandoned (cancelled,
/// <see cref="SiloLostException"/>) as soon as a silo alive at its start has left the membership, so it is asked
/// again on a survivor. Which silo a call waits on is not known here, so every pending call is asked again when any
/// silo leaves (a scan done twice, against a request lost); while no silo leaves, a long scan is waited for.
/// </summary>
internal sealed class SiloWatch(IGrainFactory grains, TimeSpan interval)
{
    private readonly Lock _lock = new();
    private Task<IReadOnlySet<SiloAddress>>? _hosts;
    private long _read;

    /// <summary>The silos alive, as last read; read again when that is older than the interval.</summary>
    public Task<IReadOnlySet<SiloAddress>> Alive()
    {
        lock (_lock)
        {
            if (_hosts is null || _hosts.IsCompleted && Environment.TickCount64 - _read > interval.TotalMilliseconds)
            {
                _read = Environment.TickCount64;
                _hosts = Read(_hosts);
            }
            return _hosts;
        }
    }

    /// <summary>
    /// <paramref name="call"/>'s answer; if it is still pending after an interval and a silo of <paramref name="before"/>
    /// has left since, <paramref name="attempt"/> is cancelled and <see cref="SiloLostException"/> thrown.
    /// </summary>
    public async Task<T> Watch<T>(Task<T> call, IReadOnlySet<SiloAddress> before, CancellationTokenSource attempt, CancellationToken cancellationToken)
    {
        while (!call.IsCompleted)
        {
            // The timer goes with the call: a busy coordinator would otherwise keep one alive an interval per call made.
            using (var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                if (await Task.WhenAny(call, Task.Delay(interval, wake.Token)) == call)
                {
                    await wake.CancelAsync();
                    break;
                }
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (before.IsSubsetOf(await Alive())) continue;
            // Its answer will not come; what the abandoned call ends with is nobody's to read.
            _ = call.ContinueWith(static t => t.Exception, TaskScheduler.Default);
            await attempt.CancelAsync();
            throw new SiloLostException();
        }
        return await call;
    }

    private async Task<IReadOnlySet<SiloAddress>> Read(Task<IReadOnlySet<SiloAddress>>? previous)
    {
        try
        {
            return (await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Keys.ToHashSet();
        }
        // The membership not reached this time (its gateway lost, say) says nothing of the call: what was known stands,
        // or, known nothing yet, nothing is (and no call is abandoned for it).
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return previous is { IsCompletedSuccessfully: true } ? previous.Result : new HashSet<SiloAddress>();
        }
    }
}

/// <summary>A call abandoned because a silo it may have been waiting on left the cluster (<see cref="SiloWatch"/>).</summary>
internal sealed class SiloLostException() : Exception("a silo left the cluster while the call waited on it");
