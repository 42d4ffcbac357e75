using Claims.Engine;
using Claims.Sandbox.Hosting;
using Microsoft.Extensions.Options;

namespace Claims.Sandbox.Jobs;

/// <summary>
/// Runs jobs one at a time (an extract already uses every core). On start, jobs a killed process left queued or
/// running are run again from scratch before new ones: their folder, with whatever partial output it holds, is
/// deleted first, and a job is marked succeeded only after its result is complete on disk. A failed job's folder is
/// deleted at once: what a run leaves behind may hold restricted rows.
/// </summary>
public sealed class JobWorker(JobQueue queue, JobStore store, IEnumerable<IJobRunner> runners, ResultRetention retention, IOptions<SandboxOptions> options,
    ILogger<JobWorker> logger)
    : BackgroundService
{
    private IReadOnlyList<string> _recovered = [];

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the server takes requests, so a job submitted now cannot be mistaken for an interrupted one.
        _recovered = store.Requeue();
        if (_recovered.Count > 0) logger.LogInformation("Running {Count} jobs left unfinished by the last process again", _recovered.Count);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var id in _recovered) await Task.Run(() => Run(id, stoppingToken), stoppingToken);
        await foreach (var id in queue.Reader.ReadAllAsync(stoppingToken)) await Task.Run(() => Run(id, stoppingToken), stoppingToken);
    }

    private void Run(string id, CancellationToken stopping)
    {
        if (store.Claim(id) is not { } job) return;
        var directory = options.Value.DataPath("jobs", id);
        try
        {
            retention.Delete(id);
            Directory.CreateDirectory(directory);
            var runner = runners.FirstOrDefault(r => r.Kind == job.Kind) ?? throw new ClaimsException($"no runner for jobs of kind '{job.Kind}'");
            var result = runner.Run(job, directory, stopping);
            store.Succeed(id, result with { Path = Path.GetRelativePath(options.Value.DataPath(), result.Path) }, retention.Retention);
            logger.LogInformation("Job {Id} ({Kind}) succeeded: {Bytes} bytes", id, job.Kind, result.Bytes);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Left running: the next start queues it again and reruns it from scratch.
            logger.LogInformation("Job {Id} interrupted by shutdown; it runs again on the next start", id);
        }
        catch (ClaimsException e)
        {
            Failed(id, e.Message);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Job {Id} ({Kind}) failed", id, job.Kind);
            Failed(id, $"the job failed: {e.Message}");
        }
    }

    private void Failed(string id, string error)
    {
        store.Fail(id, error);
        try
        {
            retention.Delete(id);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The sweep tries again; the worker goes on to the next job.
            logger.LogWarning(e, "Could not delete the folder of failed job {Id}", id);
        }
    }
}
