using System.Diagnostics;
using Claims.Import;
using Claims.Testing;

namespace Claims.Benchmarks;

/// <summary>
/// `uke [--copies N] [--repeats R]`: UKE lines per second of a whole import (read, check, write, publish, link),
/// against a plain read of the same bytes in the same run (the I/O ceiling: the file stays in the page cache, so
/// it is what reading alone can reach). The input is the real-format sample's receipts repeated N times.
/// </summary>
public static class UkeImportBenchmark
{
    public static int Run(string[] args)
    {
        var copies = int.Parse(HarnessArgs.Value(args, "--copies") ?? "2000");
        var repeats = int.Parse(HarnessArgs.Value(args, "--repeats") ?? "3");
        using var temp = new TempDirectory("claims-uke-bench");
        var file = temp.Combine("BIG.UKE");
        var lines = UkeSample.WriteRepeated(file, copies);
        var bytes = new FileInfo(file).Length;

        var plain = Timing.Median(repeats, () => CountLines(file));
        long peak = 0;
        using var sampler = new Timer(_ => peak = Math.Max(peak, GenerateBenchmark.ResidentBytes()), null, 0, 100);
        var run = 0;
        // CPU time beside wall time: on a shared machine the wall clock also counts other jobs' turns.
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var import = Timing.Median(repeats, () => UkeImporter.Run(new UkeImportOptions
        {
            Inputs = [file],
            Out = temp.Combine($"ds{run++}"),
            SaltFile = temp.Combine("salt.key"),
        }));
        var cpuPerRun = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / repeats;
        Console.WriteLine($"{lines:N0} lines, {bytes / 1e6:F0} MB, {Environment.ProcessorCount} cores, median of {repeats}");
        Console.WriteLine($"plain read  {plain,8:F0} ms  {lines / plain * 1000,12:N0} lines/s");
        Console.WriteLine($"import uke  {import,8:F0} ms  {lines / import * 1000,12:N0} lines/s  (the plain read is {import / plain:F0}× faster; peak memory {peak / (1024.0 * 1024):F0} MiB)");
        Console.WriteLine($"            {cpuPerRun,8:F0} ms of CPU a run: {lines / cpuPerRun * 1000,12:N0} lines per CPU second; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        return 0;
    }

    private static long CountLines(string path)
    {
        var buffer = new byte[1 << 16];
        long lines = 0;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        int read;
        while ((read = stream.Read(buffer)) > 0) lines += buffer.AsSpan(0, read).Count((byte)'\n');
        return lines;
    }
}
