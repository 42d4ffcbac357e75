using System.Diagnostics;

namespace Claims.Benchmarks;

/// <summary>Wall-clock timing for the harnesses that run outside BenchmarkDotNet.</summary>
internal static class Timing
{
    /// <summary>The median of <paramref name="repeats"/> timed runs, in milliseconds.</summary>
    public static double Median(int repeats, Action run)
    {
        var times = new double[repeats];
        for (var i = 0; i < repeats; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            run();
            times[i] = stopwatch.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[repeats / 2];
    }
}
