using Claims.Engine;
using Claims.Sandbox.Hosting;
using Microsoft.Extensions.Options;

namespace Claims.Sandbox.Datasets;

/// <summary>
/// Re-verifies every file of every serving dataset (its size, then its XXH3 checksum over the bytes the service
/// reads) every <see cref="SandboxOptions.ScrubIntervalMinutes"/>, and takes a dataset whose file fails out of
/// service. Files are checksummed when first read; a byte that changes after that (a disk fault, a stray write)
/// would otherwise give wrong answers silently until the next restart. The window is one interval: a change made
/// just after a scrub is answered from until the next one finds it.
/// </summary>
public sealed class DatasetScrub : BackgroundService
{
    private readonly DatasetRegistry _registry;
    private readonly ILogger<DatasetScrub> _logger;

    /// <summary>Made with the service, so that the first interval counts from the start (and a test's clock moved after the start is seen).</summary>
    private readonly PeriodicTimer? _timer;

    public DatasetScrub(DatasetRegistry registry, IOptions<SandboxOptions> options, TimeProvider time, ILogger<DatasetScrub> logger)
    {
        (_registry, _logger) = (registry, logger);
        var minutes = options.Value.ScrubIntervalMinutes;
        if (minutes is < 0 or > 525_600)
            throw new InvalidOperationException($"Sandbox:ScrubIntervalMinutes is {minutes}; it must be 0 (no scrub) to 525,600 minutes (a year)");
        Interval = TimeSpan.FromMinutes(minutes);
        _timer = minutes == 0 ? null : new PeriodicTimer(Interval, time);
    }

    public TimeSpan Interval { get; }

    /// <summary>Raised after each scheduled scrub with the datasets it took out of service.</summary>
    public event Action<IReadOnlyList<string>>? Scrubbed;

    /// <summary>Verifies every serving dataset now; returns the names of those it found damaged.</summary>
    public IReadOnlyList<string> Scrub()
    {
        var damaged = new List<string>();
        foreach (var (name, dataset) in _registry.Serving())
        {
            try
            {
                dataset.Verify();
            }
            catch (Exception e) when (e is ClaimsException or IOException or UnauthorizedAccessException)
            {
                _registry.MarkUnavailable(name, e.Message);
                damaged.Add(name);
            }
        }
        return damaged;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_timer is null) return;
        while (await _timer.WaitForNextTickAsync(stoppingToken))
        {
            IReadOnlyList<string> damaged = [];
            try
            {
                damaged = Scrub();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogError(e, "Scrubbing the datasets failed; retrying in {Interval}", Interval);
            }
            Scrubbed?.Invoke(damaged);
        }
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }
}
