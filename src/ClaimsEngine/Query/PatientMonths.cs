using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Claims.Engine.Cohorts;
using Claims.Engine.Storage;

namespace Claims.Engine.Query;

/// <summary>
/// The patients a test of each row's patient picks, by month: a month's patients with enough distinct values
/// (<see cref="PatientMonthPredicate"/>), or the patients whose first event falls in the month
/// (<see cref="FirstEventPredicate"/>). Patient ids are the linked numbering, so one month's set, a bitset, answers
/// that month's rows; a row without a patient is in no set. The sets are kept per opened dataset by the test's
/// text, since one dashboard view asks the same test in several queries (by prefecture, for the nation); at most
/// <see cref="Kept"/> tests' sets are kept, past which the dataset's start again.
/// </summary>
internal sealed class PatientMonths(Dataset dataset, PredicateEvaluator evaluator)
{
    private const int Kept = 32;

    private sealed class Sets
    {
        public readonly ConcurrentDictionary<(string Table, string Text), Lazy<Dictionary<int, PatientSet>>> Distinct = new();
        public readonly ConcurrentDictionary<(string Table, string Text), Lazy<Dictionary<int, PatientSet>>> First = new();
        public readonly ConcurrentDictionary<(string Table, string Text), byte> Tests = new();

        /// <summary>Notes a test about to be kept, and forgets every test's sets when too many are.</summary>
        public void Note(string table, string text)
        {
            if (!Tests.TryAdd((table, text), 0) || Tests.Count <= Kept) return;
            Distinct.Clear();
            First.Clear();
            Tests.Clear();
        }
    }

    private static readonly ConditionalWeakTable<Dataset, Sets> s_sets = [];

    private readonly Sets _sets = s_sets.GetValue(dataset, _ => new Sets());

    /// <summary>
    /// The month's patients with enough distinct values. Every month's set is built at the first ask, months in
    /// parallel: a scan's workers read the same month's blocks together, so sets built as each month is reached
    /// would be built by one worker while the others waited.
    /// </summary>
    public PatientSet? Distinct(PatientMonthPredicate test, int month)
    {
        _sets.Note(test.Table.Name, test.Text);
        return _sets.Distinct.GetOrAdd((test.Table.Name, test.Text), _ => new Lazy<Dictionary<int, PatientSet>>(() =>
        {
            var partitions = dataset.Table(test.Table.Name).Partitions;
            var sets = new PatientSet[partitions.Count];
            Parallel.For(0, partitions.Count, i => sets[i] = Count(test, partitions[i]));
            return partitions.Select((p, i) => (p.Key, Set: sets[i])).ToDictionary(m => m.Key, m => m.Set);
        })).Value.GetValueOrDefault(month);
    }

    public PatientSet? First(FirstEventPredicate test, int month)
    {
        _sets.Note(test.Table.Name, test.Text);
        return _sets.First.GetOrAdd((test.Table.Name, test.Text), _ => new Lazy<Dictionary<int, PatientSet>>(() => Firsts(test))).Value.GetValueOrDefault(month);
    }

    /// <summary>
    /// The partition's patients with enough distinct values. The matching rows are counted per patient first: one with
    /// fewer rows than <see cref="PatientMonthPredicate.AtLeast"/> cannot have that many distinct values, so only the
    /// others' rows are read, bucketed by patient (the patient ids are dense), and each bucket's few values sorted and
    /// counted, rather than every row hashed.
    /// </summary>
    private PatientSet Count(PatientMonthPredicate test, DatasetPartition partition)
    {
        var capacity = EventScan.PatientCount(dataset);
        var result = new PatientSet(capacity);
        var patients = EventScan.PatientIds(partition);
        var rows = new List<int>();
        var lines = new int[capacity];
        evaluator.Matching(partition, test.Where, row =>
        {
            if (patients.IsNull(row)) return;
            rows.Add(row);
            lines[patients.Values<int>()[row]]++;
        });

        // Each candidate's bucket: next[p] is where its next row goes, and after the scatter where its bucket ends.
        var next = new int[capacity];
        var total = 0;
        for (var p = 0; p < capacity; p++)
        {
            if (lines[p] < test.AtLeast) lines[p] = 0;
            next[p] = total;
            total += lines[p];
        }
        var strings = new GlobalStrings();
        var distinct = new ValueReader(partition.Column(test.Distinct.Column.Name), test.Distinct.Derivation, strings);
        var per = test.Per is { } key ? new ValueReader(partition.Column(key.Column.Name), key.Derivation, strings) : null;
        var entries = new (long Per, long Value)[total];
        foreach (var row in rows)
        {
            var patient = patients.Values<int>()[row];
            if (lines[patient] > 0) entries[next[patient]++] = (per?.Read(row) ?? 0, distinct.Read(row));
        }
        for (var p = 0; p < capacity; p++)
            if (lines[p] > 0 && Enough(entries.AsSpan(next[p] - lines[p], lines[p]), test.AtLeast)) result.Add(p);
        return result;
    }

    /// <summary>Whether some group of the patient's rows holds <paramref name="atLeast"/> distinct values, rows without a group or a value not counted.</summary>
    private static bool Enough(Span<(long Per, long Value)> bucket, int atLeast)
    {
        bucket.Sort();
        var count = 0;
        for (var i = 0; i < bucket.Length; i++)
        {
            var (group, value) = bucket[i];
            if (i > 0 && bucket[i - 1].Per != group) count = 0;
            if (group == GroupKey4.Null || value == GroupKey4.Null || (i > 0 && bucket[i - 1] == bucket[i])) continue;
            if (++count >= atLeast) return true;
        }
        return false;
    }

    /// <summary>Each month's patients whose first matching row is in it: months read in parallel, then walked in order.</summary>
    private Dictionary<int, PatientSet> Firsts(FirstEventPredicate test)
    {
        var capacity = EventScan.PatientCount(dataset);
        var partitions = dataset.Table(test.Table.Name).Partitions.OrderBy(p => p.Key).ToArray();
        var matching = new PatientSet[partitions.Length];
        Parallel.For(0, partitions.Length, i =>
        {
            var set = new PatientSet(capacity);
            var patients = EventScan.PatientIds(partitions[i]);
            evaluator.Matching(partitions[i], test.Where, row =>
            {
                if (!patients.IsNull(row)) set.Add(patients.Values<int>()[row]);
            });
            matching[i] = set;
        });
        var seen = new PatientSet(capacity);
        var firsts = new Dictionary<int, PatientSet>();
        for (var i = 0; i < partitions.Length; i++)
        {
            firsts[partitions[i].Key] = matching[i].Except(seen);
            seen = seen.Union(matching[i]);
        }
        return firsts;
    }
}
