using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Claims.Engine.Storage;

namespace Claims.Engine.Query;

/// <summary>
/// The lines a <see cref="ParentPredicate"/> picks, as bits over each line-item partition, kept per dataset by the
/// test's text. One dashboard view asks the same parent test in each of its queries (numerator and denominator, by
/// prefecture and for the nation) and again inside a patientMonth test, and each answer walked the month's link of
/// lines to receipts, the dearest part of those queries. Kept per dataset, not per partition: a period shares the
/// opened dataset's partitions, but a parent test holding a first event means the first of the months the dataset
/// shows, so a period's bits are its own. A dataset keeps at most <see cref="Kept"/> tests (a byte a line), the one
/// asked longest ago going first, so a view's own tests outlive the filters' tests asked after them; a query holds
/// what it was given (<see cref="PredicateEvaluator"/>), so a test pushed out while it scans is not built again
/// block by block. A build that fails is not kept.
/// </summary>
internal static class ParentLines
{
    private const int Kept = 8;

    private sealed class Test
    {
        public readonly ConcurrentDictionary<DatasetPartition, Lazy<ulong[]>> Lines = new();
        public long Asked;
    }

    private static readonly ConditionalWeakTable<Dataset, ConcurrentDictionary<string, Test>> s_tests = [];
    private static long s_clock;

    /// <summary>The lines of <paramref name="lines"/> that <paramref name="text"/> picks in <paramref name="dataset"/>, <paramref name="build"/> run on first ask.</summary>
    public static ulong[] Of(Dataset dataset, string text, DatasetPartition lines, Func<ulong[]> build)
    {
        var tests = s_tests.GetValue(dataset, _ => new());
        if (!tests.ContainsKey(text) && tests.Count >= Kept && tests.MinBy(t => t.Value.Asked) is { Key: not null } oldest)
            tests.TryRemove(oldest);
        var test = tests.GetOrAdd(text, _ => new Test());
        test.Asked = Interlocked.Increment(ref s_clock);
        var bits = test.Lines.GetOrAdd(lines, _ => new Lazy<ulong[]>(build));
        try
        {
            return bits.Value;
        }
        catch
        {
            test.Lines.TryRemove(new KeyValuePair<DatasetPartition, Lazy<ulong[]>>(lines, bits));
            throw;
        }
    }
}
