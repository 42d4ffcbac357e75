using System.Diagnostics;
using Claims.Engine.Cohorts;
using Claims.Engine.Storage;

namespace Claims.Benchmarks;

/// <summary>
/// Cohort build times on an existing dataset: `cohort --data DIR --def FILE [--def FILE …] [--repeats N]`. The first
/// build in the process is cold (columns mapped and checksummed, the patient timeline built); the rest are what a
/// service with the dataset open sees. Prints each definition's count, the cold time and the warm median.
/// </summary>
public static class CohortBenchmark
{
    public static int Run(string[] args)
    {
        var data = HarnessArgs.Values(args, "--data").Single();
        var definitions = HarnessArgs.Values(args, "--def").Select(File.ReadAllText).ToArray();
        var repeats = int.Parse(HarnessArgs.Values(args, "--repeats").SingleOrDefault() ?? "5");
        using var dataset = Dataset.Open(data);
        Console.WriteLine($"{dataset.RowCount:N0} rows, {EventScan.PatientCount(dataset):N0} patients, {Environment.ProcessorCount} cores");
        var stopwatch = Stopwatch.StartNew();
        foreach (var definition in definitions)
        {
            stopwatch.Restart();
            var cohort = dataset.BuildCohort(definition);
            var cold = stopwatch.Elapsed.TotalMilliseconds;
            var warm = new double[repeats];
            for (var i = 0; i < repeats; i++)
            {
                stopwatch.Restart();
                dataset.BuildCohort(definition);
                warm[i] = stopwatch.Elapsed.TotalMilliseconds;
            }
            Array.Sort(warm);
            Console.WriteLine($"{cohort.Name}: {cohort.Count:N0} patients; first build {cold:N0} ms, then median {warm[repeats / 2]:N0} ms (min {warm[0]:N0}, max {warm[^1]:N0})");
        }
        return 0;
    }

}
