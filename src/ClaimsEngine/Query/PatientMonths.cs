using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    /// fewer rows than <see cref="PatientMonthPredicate.AtLeast"/> cannot have that many distinct values. A patient's
    /// rows mostly come as one run (a receipt's lines are written together, and so are most of a patient's receipts
    /// in a month), and such a run is decided alone, its few values sorted in a small buffer: the rows are read in
    /// order, never scattered across memory by patient. Rows of a patient met in several runs (receipts written by
    /// facility, as claim files are) are sorted by patient first and then read as runs too.
    /// </summary>
    private PatientSet Count(PatientMonthPredicate test, DatasetPartition partition)
    {
        var capacity = EventScan.PatientCount(dataset);
        var column = EventScan.PatientIds(partition);
        var rows = new List<int>();
        evaluator.Matching(partition, test.Where, row =>
        {
            if (!column.IsNull(row)) rows.Add(row);
        });
        var patients = column.Values<int>();
        var lines = new int[capacity];
        foreach (var row in CollectionsMarshal.AsSpan(rows)) lines[patients[row]]++;

        var strings = new GlobalStrings();
        var runs = new Runs(test, lines, new PatientSet(capacity),
            new ValueReader(partition.Column(test.Distinct.Column.Name), test.Distinct.Derivation, strings),
            test.Per is { } key ? new ValueReader(partition.Column(key.Column.Name), key.Derivation, strings) : null);
        var apart = new List<long>();
        runs.Read(CollectionsMarshal.AsSpan(rows), patients, apart);
        if (apart.Count > 0)
        {
            apart.Sort();
            runs.Read([.. apart.Select(entry => (int)entry)], patients, apart: null);
        }
        return runs.Result;
    }

    /// <summary>Reads rows as runs of one patient's rows, deciding each patient whose every matching row is in its run.</summary>
    private sealed class Runs(PatientMonthPredicate test, int[] lines, PatientSet result, ValueReader distinct, ValueReader? per)
    {
        private (long Per, long Value)[] _buffer = new (long, long)[16];

        public PatientSet Result => result;

        /// <summary>
        /// Decides the patients of <paramref name="rows"/>; a run that holds only part of its patient's rows goes to
        /// <paramref name="apart"/> as (patient, row), or, where there is no <paramref name="apart"/>, is whole by construction.
        /// </summary>
        public void Read(ReadOnlySpan<int> rows, ReadOnlySpan<int> patients, List<long>? apart)
        {
            for (var i = 0; i < rows.Length;)
            {
                var patient = patients[rows[i]];
                var end = i + 1;
                while (end < rows.Length && patients[rows[end]] == patient) end++;
                if (lines[patient] >= test.AtLeast)
                {
                    if (apart is not null && end - i < lines[patient])
                        for (var j = i; j < end; j++) apart.Add((long)patient << 32 | (uint)rows[j]);
                    else if (Enough(rows[i..end])) result.Add(patient);
                }
                i = end;
            }
        }

        private bool Enough(ReadOnlySpan<int> run)
        {
            if (_buffer.Length < run.Length) _buffer = new (long, long)[Math.Max(run.Length, 2 * _buffer.Length)];
            var bucket = _buffer.AsSpan(0, run.Length);
            for (var i = 0; i < run.Length; i++) bucket[i] = (per?.Read(run[i]) ?? 0, distinct.Read(run[i]));
            return PatientMonths.Enough(bucket, test.AtLeast);
        }
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
