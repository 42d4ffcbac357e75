using Claims.Sandbox.Hosting;
using Microsoft.Extensions.Options;

namespace Claims.Sandbox.Jobs;

/// <summary>
/// Deletes job results whose retention (<see cref="SandboxOptions.ResultRetentionHours"/>) has run out: an extract
/// of restricted rows should live on the server only as long as it takes to download, and the disk should not keep
/// every result ever made. The job's record stays, marked unavailable; its download answers 410. The sweep also
/// deletes what failed jobs left (a damaged result, a run's staging files). Sweeps at start and then every
/// <see cref="Interval"/>.
/// </summary>
public sealed class ResultRetention : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    /// <summary>A century: beyond it the expiry would overflow the dates it is added to.</summary>
    private const int MaxHours = 876_000;

    private readonly JobStore _jobs;
    private readonly SandboxOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ResultRetention> _logger;

    public ResultRetention(JobStore jobs, IOptions<SandboxOptions> options, TimeProvider time, ILogger<ResultRetention> logger)
    {
        (_jobs, _options, _time, _logger) = (jobs, options.Value, time, logger);
        // Checked at start, not when the first job succeeds with its cohort already in the ledger.
        if (_options.ResultRetentionHours is < 0 or > MaxHours)
            throw new InvalidOperationException($"Sandbox:ResultRetentionHours is {_options.ResultRetentionHours}; it must be 0 to {MaxHours:N0} hours");
    }

    /// <summary>How long a result is kept after it is made.</summary>
    public TimeSpan Retention => TimeSpan.FromHours(_options.ResultRetentionHours);

    /// <summary>Deletes every expired result, and every failed job's folder, now; returns how many results.</summary>
    public int Sweep()
    {
        foreach (var id in _jobs.FailedIds()) Delete(id);
        var expired = _jobs.ExpiredResults(Retention);
        foreach (var job in expired)
        {
            // The folder first: if it will not go, the job still points at it and the next sweep tries again.
            Delete(job.Id);
            _jobs.RemoveResult(job.Id);
            _logger.LogInformation("Deleted the result of job {Id}: its retention ran out", job.Id);
        }
        return expired.Count;
    }

    /// <summary>A job's folder with whatever it holds: its result, or what a failed run left behind.</summary>
    public void Delete(string jobId)
    {
        var directory = _options.DataPath("jobs", jobId);
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        do
        {
            try
            {
                Sweep();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A busy database or a folder that will not go this time is retried at the next sweep; the service keeps serving.
                _logger.LogWarning(e, "Sweeping expired job results failed; retrying in {Interval}", Interval);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
