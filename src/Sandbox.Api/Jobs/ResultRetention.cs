using Claims.Sandbox.Hosting;
using Microsoft.Extensions.Options;

namespace Claims.Sandbox.Jobs;

/// <summary>
/// Deletes job results whose retention (<see cref="SandboxOptions.ResultRetentionHours"/>) has run out: an extract
/// of restricted rows should live on the server only as long as it takes to download, and the disk should not keep
/// every result ever made. The job's record stays, marked unavailable; its download answers 410. Sweeps at start
/// and then every <see cref="Interval"/>.
/// </summary>
public sealed class ResultRetention(JobStore jobs, IOptions<SandboxOptions> options, TimeProvider time, ILogger<ResultRetention> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    /// <summary>Deletes every expired result now; returns how many.</summary>
    public int Sweep()
    {
        var expired = jobs.ExpiredResults();
        foreach (var job in expired)
        {
            // The record first: a download asked from now on hears 410 instead of finding a folder half deleted.
            jobs.RemoveResult(job.Id);
            var directory = options.Value.DataPath("jobs", job.Id);
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
            logger.LogInformation("Deleted the result of job {Id}: its retention ran out at {Expires:O}", job.Id, job.ResultExpires);
        }
        return expired.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                Sweep();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A busy database or a folder that will not go this time is retried at the next sweep; the service keeps serving.
                logger.LogWarning(e, "Sweeping expired job results failed; retrying in {Interval}", Interval);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
