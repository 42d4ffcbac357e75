using System.Threading.Channels;
using Claims.Sandbox.Hosting;
using Microsoft.Extensions.Options;

namespace Claims.Sandbox.Jobs;

/// <summary>
/// Jobs waiting for the worker: a bounded channel of job ids over the jobs table. The table is the truth (it
/// survives a restart); the channel only orders this process's work and bounds it, so a burst of submissions
/// is refused with 429 instead of piling up.
/// </summary>
public sealed class JobQueue(JobStore store, IOptions<SandboxOptions> options)
{
    private readonly Channel<string> _channel = Channel.CreateBounded<string>(
        new BoundedChannelOptions(Math.Max(1, options.Value.JobQueueCapacity)) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public ChannelReader<string> Reader => _channel.Reader;

    /// <summary>Stores and queues a job; null when the queue is full (the job is then forgotten, never run).</summary>
    public Job? Submit(string kind, string? projectId, string userId, string request)
    {
        // Stored first: the worker may take the id the moment it is written, and claims it from the table.
        var job = store.Create(kind, projectId, userId, request);
        if (_channel.Writer.TryWrite(job.Id)) return job;
        store.Delete(job.Id);
        return null;
    }
}
