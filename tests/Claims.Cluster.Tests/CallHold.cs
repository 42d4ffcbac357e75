using Claims.Cluster.Grains;
using Orleans.Runtime;

namespace Claims.Cluster.Tests;

/// <summary>
/// Holds every shard scan arriving at one chosen silo until the test lets go, so a silo can be killed with a call
/// certainly in flight on it: killed between two quick queries, its calls were all answered or all rerouted by
/// Orleans itself, and the retry the fault test exists for was left untested now and then.
/// </summary>
internal sealed class CallHold(ILocalSiloDetails silo) : IIncomingGrainCallFilter
{
    // The cluster's silos run in this process and Orleans builds the filter, so the armed hold is the process's.
    private static volatile Hold? s_armed;

    /// <summary>From now on, scans arriving at <paramref name="target"/> wait until the hold is disposed.</summary>
    public static Hold Arm(SiloAddress target)
    {
        var hold = new Hold(target);
        if (Interlocked.CompareExchange(ref s_armed, hold, null) is not null) throw new InvalidOperationException("a hold is already armed");
        return hold;
    }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (s_armed is { } hold && hold.Silo.Equals(silo.SiloAddress)
            && context.InterfaceMethod.DeclaringType == typeof(IShardGrain) && context.MethodName == nameof(IShardGrain.Run))
        {
            hold.Reached.TrySetResult();
            await hold.Released.Task;
        }
        await context.Invoke();
    }

    public sealed class Hold(SiloAddress silo) : IDisposable
    {
        public SiloAddress Silo { get; } = silo;

        internal TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Whether a scan reached the silo and is held there, waiting at most <paramref name="limit"/>.</summary>
        public async Task<bool> Holding(TimeSpan limit) => await Task.WhenAny(Reached.Task, Task.Delay(limit)) == Reached.Task;

        /// <summary>Disarmed, and the held scans let go: on a silo killed meanwhile, to an end nobody hears.</summary>
        public void Dispose()
        {
            Interlocked.CompareExchange(ref s_armed, null, this);
            Released.TrySetResult();
        }
    }
}
