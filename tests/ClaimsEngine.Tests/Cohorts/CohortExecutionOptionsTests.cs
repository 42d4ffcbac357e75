using System.Collections.Concurrent;
using Claims.Engine.Cohorts;
using Claims.Engine.Kernels;
using Claims.Engine.Query;

namespace Claims.Engine.Tests.Cohorts;

/// <summary>
/// The scans under cohorts run at the kernel width and with as many blocks at once as their own call asks
/// (<see cref="ExecutionOptions"/>), however many other calls run at the same time at other widths: the width is
/// the call's, not the process's.
/// </summary>
[Collection(CohortData.Name)]
public class CohortExecutionOptionsTests(CohortFixture data)
{
    [Fact]
    public void Each_event_scan_runs_at_the_width_and_thread_count_its_own_call_asks_while_others_run_at_theirs()
    {
        var table = data.Dataset.Schema.Table("procedures");
        Parallel.ForEach(SimdLevels.All, new ParallelOptions { MaxDegreeOfParallelism = SimdLevels.All.Count }, level =>
        {
            var (running, most) = (0, 0);
            var seen = new ConcurrentBag<SimdLevel>();
            EventScan.Blocks(data.Dataset, table, null, (_, _, _, _) =>
            {
                var now = Interlocked.Increment(ref running);
                lock (seen) most = Math.Max(most, now);
                seen.Add(SimdLevels.Active);
                Interlocked.Decrement(ref running);
            }, options: new ExecutionOptions(level, Threads: 1));
            Assert.True(seen.Count > 1, $"{seen.Count} blocks visited");
            Assert.All(seen, active => Assert.Equal(level, active));
            Assert.Equal(1, most);
        });
    }

    [Fact]
    public void A_cohort_built_at_any_width_and_thread_count_is_the_cohort_built_by_default()
    {
        var definition = CohortParser.Parse(CohortOracleTests.Example("new-users-of-diabetes-drugs"), data.Dataset.Schema);
        var expected = data.Dataset.BuildCohort(definition);
        Assert.True(expected.Count > 0);
        foreach (var level in SimdLevels.All)
        {
            var cohort = data.Dataset.BuildCohort(definition, new ExecutionOptions(level, Threads: 1));
            Assert.Equal(expected.Attrition.Select(s => (s.Rule, s.Remaining, s.Removed)), cohort.Attrition.Select(s => (s.Rule, s.Remaining, s.Removed)));
            Assert.Equal(expected.Patients.Count, cohort.Patients.Count);
        }
    }
}
