using System.Diagnostics;
using Claims.Engine;
using Claims.SyntheticGen;

namespace Claims.Benchmarks;

/// <summary>
/// One full generation, timed: rows per second over all tables and the process's peak resident memory, sampled
/// from /proc while it runs. `generate --persons N [--months M] [--threads T] [--out DIR]`.
/// </summary>
public static class GenerateBenchmark
{
    public static int Run(string[] args)
    {
        var persons = int.Parse(HarnessArgs.Value(args, "--persons") ?? "1000000");
        var months = int.Parse(HarnessArgs.Value(args, "--months") ?? "12");
        var threads = int.Parse(HarnessArgs.Value(args, "--threads") ?? Environment.ProcessorCount.ToString());
        var output = HarnessArgs.Value(args, "--out") ?? Path.Combine(Path.GetTempPath(), $"claims-generate-bench-{Environment.ProcessId}");
        var keep = HarnessArgs.Value(args, "--out") is not null;
        long peak = 0;
        using var sampler = new Timer(_ => peak = Math.Max(peak, ResidentBytes()), null, 0, 200);
        var last = Stopwatch.StartNew();
        var summary = Generator.Run(new GenerateOptions { Out = output, Persons = persons, From = 202304, Months = months, Seed = 1, Threads = threads },
            progress: new InlineProgress<GenerateProgress>(p =>
            {
                if (p.Step != GenerateStep.Persons || (last.Elapsed.TotalSeconds < 30 && p.Done < p.Total)) return;
                last.Restart();
                Console.WriteLine($"{p.Done:N0} / {p.Total:N0} persons");
            }));
        peak = Math.Max(peak, ResidentBytes());
        Console.WriteLine($"persons {summary.Persons:N0}, months {months}, threads {threads}");
        foreach (var (table, rows) in summary.RowsPerTable.OrderByDescending(r => r.Value)) Console.WriteLine($"  {table,-10} {rows,15:N0}");
        Console.WriteLine($"rows {summary.Rows:N0} in {summary.Elapsed.TotalSeconds:F1} s: {summary.RowsPerSecond:N0} rows/s; peak memory {peak / (1024.0 * 1024 * 1024):F2} GiB");
        if (!keep) Directory.Delete(output, recursive: true);
        return 0;
    }


    /// <summary>
    /// VmRSS of this process (or another field of /proc/self/status, such as RssAnon: resident memory less mapped
    /// files); the GC's own figures miss native and mapped memory.
    /// </summary>
    public static long ResidentBytes(string field = "VmRSS:")
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return Process.GetCurrentProcess().WorkingSet64;
    }
}
