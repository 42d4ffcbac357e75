using System.Collections.Concurrent;
using Claims.Sandbox.Jobs;

namespace Claims.Sandbox.Tests;

/// <summary>
/// Holds jobs at the start of their run, after the worker claimed them and before the runner checks anything, until
/// the test lets them go: what a job sees "when it runs" is then whatever the test did while it waited. Open unless
/// <see cref="Close"/>d.
/// </summary>
public sealed class JobGate
{
    private readonly ManualResetEventSlim _open = new(initialState: true);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _arrived = new();

    public void Close() => _open.Reset();

    public void Open() => _open.Set();

    /// <summary>Completes when the worker has claimed <paramref name="jobId"/> and reached the gate (the job is then "running").</summary>
    public Task Arrived(string jobId) => Signal(jobId).Task.WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>The runner's side: says the job is here, then waits for the gate (a shutting-down service stops waiting).</summary>
    public void Pass(string jobId, CancellationToken cancellation)
    {
        Signal(jobId).TrySetResult();
        _open.Wait(cancellation);
    }

    private TaskCompletionSource Signal(string jobId) => _arrived.GetOrAdd(jobId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>The service's own runner behind a <see cref="JobGate"/>.</summary>
public sealed class GatedRunner(IJobRunner runner, JobGate gate) : IJobRunner
{
    public string Kind => runner.Kind;

    public JobResult Run(Job job, string workDirectory, CancellationToken cancellation)
    {
        gate.Pass(job.Id, cancellation);
        return runner.Run(job, workDirectory, cancellation);
    }
}
