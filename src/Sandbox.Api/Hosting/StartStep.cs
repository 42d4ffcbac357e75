using System.Diagnostics;

namespace Claims.Sandbox.Hosting;

/// <summary>
/// One step of the first start on the log: a line as it begins, at most one every two seconds while it runs, and
/// its time as it ends. Generating and loading take minutes on a small machine, and a silent console reads as hung.
/// </summary>
internal sealed class StartStep
{
    private static readonly TimeSpan s_every = TimeSpan.FromSeconds(2);

    private readonly ILogger _logger;
    private readonly string _name;
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private TimeSpan _reported;

    private StartStep(ILogger logger, string name) => (_logger, _name) = (logger, name);

    public TimeSpan Elapsed => _elapsed.Elapsed;

    public static StartStep Begin(ILogger logger, string name, string what)
    {
        logger.LogInformation("{Step}: {What}", name, what);
        return new StartStep(logger, name);
    }

    /// <summary>Logs <paramref name="progress"/> if two seconds passed since this step's last line, or <paramref name="always"/>.</summary>
    public void Report(string progress, bool always = false)
    {
        if (!always && _elapsed.Elapsed - _reported < s_every) return;
        _reported = _elapsed.Elapsed;
        _logger.LogInformation("{Step}: {Progress} ({Seconds:F0} s)", _name, progress, _elapsed.Elapsed.TotalSeconds);
    }

    public void End(string? summary = null)
    {
        if (summary is null) _logger.LogInformation("{Step}: done in {Seconds:F1} s", _name, _elapsed.Elapsed.TotalSeconds);
        else _logger.LogInformation("{Step}: done in {Seconds:F1} s; {Summary}", _name, _elapsed.Elapsed.TotalSeconds, summary);
    }

    /// <summary>Rows per second so far, for a progress line.</summary>
    public string Rate(long rows) => $"{rows / Math.Max(_elapsed.Elapsed.TotalSeconds, 1e-3) / 1e6:F1} M rows/s";
}
