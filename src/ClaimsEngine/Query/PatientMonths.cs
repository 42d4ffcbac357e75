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
        public readonly ConcurrentDictionary<(string Table, string Text, int Month), Lazy<PatientSet>> Distinct = new();
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

    public PatientSet Distinct(PatientMonthPredicate test, int month)
    {
        _sets.Note(test.Table.Name, test.Text);
        return _sets.Distinct.GetOrAdd((test.Table.Name, test.Text, month), _ => new Lazy<PatientSet>(() => Count(test, month))).Value;
    }

    public PatientSet? First(FirstEventPredicate test, int month)
    {
        _sets.Note(test.Table.Name, test.Text);
        return _sets.First.GetOrAdd((test.Table.Name, test.Text), _ => new Lazy<Dictionary<int, PatientSet>>(() => Firsts(test))).Value.GetValueOrDefault(month);
    }

    private PatientSet Count(PatientMonthPredicate test, int month)
    {
        var result = new PatientSet(EventScan.PatientCount(dataset));
        var partition = dataset.Table(test.Table.Name).Partitions.FirstOrDefault(p => p.Key == month);
        if (partition is null) return result;
        var strings = new GlobalStrings();
        var distinct = new ValueReader(partition.Column(test.Distinct.Column.Name), test.Distinct.Derivation, strings);
        var per = test.Per is { } key ? new ValueReader(partition.Column(key.Column.Name), key.Derivation, strings) : null;
        var patients = EventScan.PatientIds(partition);
        var seen = new HashSet<(int Patient, long Per, long Value)>();
        var counts = new Dictionary<(int Patient, long Per), int>();
        evaluator.Matching(partition, test.Where, row =>
        {
            if (patients.IsNull(row) || distinct.Read(row) is var value && value == GroupKey4.Null) return;
            var group = per?.Read(row) ?? 0;
            var patient = patients.Values<int>()[row];
            if (group == GroupKey4.Null || !seen.Add((patient, group, value))) return;
            var count = counts[(patient, group)] = counts.GetValueOrDefault((patient, group)) + 1;
            if (count >= test.AtLeast) result.Add(patient);
        });
        return result;
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
