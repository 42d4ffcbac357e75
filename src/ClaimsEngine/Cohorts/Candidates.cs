using Claims.Engine.Kernels;
using Claims.Engine.Query;
using Claims.Engine.Storage;

namespace Claims.Engine.Cohorts;

/// <summary>
/// Candidate index events, sorted by patient, month and key, with each patient's candidates found by offset (so
/// an event row reaches its patient's candidates without a search). A candidate's key is its receipt (or
/// checkup): for the first occurrence the smallest of the patient's entry rows in the first month, so the choice
/// does not depend on scan order; for every occurrence each entry receipt is a candidate of its own, so its age,
/// sex, prefecture and claim kind are tested for it.
/// </summary>
internal sealed class Candidates
{
    private readonly int[] _offsets;

    private Candidates(int capacity, int[] patient, int[] month, long[] key)
    {
        Capacity = capacity;
        Patient = patient;
        Month = month;
        Key = key;
        Alive = Enumerable.Repeat(true, patient.Length).ToArray();
        _offsets = new int[capacity + 1];
        foreach (var p in patient) _offsets[p + 1]++;
        for (var p = 0; p < capacity; p++) _offsets[p + 1] += _offsets[p];
    }

    public int Capacity { get; }
    public int Count => Patient.Length;
    public int[] Patient { get; }

    /// <summary>Index months, absolute (<see cref="MonthKey.ToAbsolute"/>).</summary>
    public int[] Month { get; }
    public long[] Key { get; }
    public bool[] Alive { get; }

    public (int From, int To) Range(int patient) => (_offsets[patient], _offsets[patient + 1]);

    public static Candidates Find(Dataset dataset, EventCriterion entry, Occurrence occurrence, ExecutionOptions options, CancellationToken cancellationToken)
    {
        var capacity = EventScan.PatientCount(dataset);
        var (_, keyColumn) = EntryAttributes.RecordOf(dataset.Schema, entry.Table);
        var all = new System.Collections.Concurrent.ConcurrentBag<List<(int Patient, int Month, long Key)>>();
        // First occurrence keeps one slot per patient, updated under a striped lock; every occurrence gathers rows per block.
        var firstMonth = occurrence == Occurrence.First ? new int[capacity] : null;
        var firstKey = occurrence == Occurrence.First ? new long[capacity] : null;
        var locks = Enumerable.Range(0, 256).Select(_ => new Lock()).ToArray();
        EventScan.Blocks(dataset, entry.Table, entry.Where, (partition, start, _, selected) =>
        {
            var ids = EventScan.PatientIds(partition);
            var patients = ids.Values<int>();
            var keys = partition.Column(keyColumn).Values<long>();
            var month = MonthKey.ToAbsolute(partition.Key);
            var rows = firstMonth is null ? new List<(int, int, long)>() : null;
            foreach (var i in Bitmap.SetBits(selected))
            {
                var row = start + i;
                if (ids.IsNull(row)) continue;
                var patient = patients[row];
                if (rows is not null)
                {
                    rows.Add((patient, month, keys[row]));
                    continue;
                }
                if (Volatile.Read(ref firstMonth![patient]) is var seen and > 0 && seen < month) continue;
                lock (locks[patient & 255])
                {
                    if (firstMonth[patient] == 0 || month < firstMonth[patient] || (month == firstMonth[patient] && keys[row] < firstKey![patient]))
                    {
                        firstMonth[patient] = month;
                        firstKey![patient] = keys[row];
                    }
                }
            }
            if (rows is { Count: > 0 }) all.Add(rows);
        }, cancellationToken: cancellationToken, options: options);
        List<(int Patient, int Month, long Key)> chosen;
        if (firstMonth is not null)
        {
            chosen = [];
            for (var p = 0; p < capacity; p++)
                if (firstMonth[p] != 0) chosen.Add((p, firstMonth[p], firstKey![p]));
        }
        else
        {
            var rows = all.SelectMany(r => r).ToArray();
            Array.Sort(rows);
            chosen = [];
            foreach (var row in rows)
                if (chosen.Count == 0 || chosen[^1] != row) chosen.Add(row);
        }
        return new Candidates(capacity, chosen.Select(c => c.Patient).ToArray(), chosen.Select(c => c.Month).ToArray(), chosen.Select(c => c.Key).ToArray());
    }

    public void Keep(Func<int, bool> keep, ExecutionOptions options, CancellationToken cancellationToken)
    {
        Parallel.For(0, Count, options.Parallel(cancellationToken), c =>
        {
            if (Alive[c] && !keep(c)) Alive[c] = false;
        });
    }

    public PatientSet LivePatients()
    {
        var set = new PatientSet(Capacity);
        for (var c = 0; c < Count; c++)
            if (Alive[c]) set.Add(Patient[c]);
        return set;
    }

    /// <summary>The earliest and latest live index months (first &gt; last when none is live).</summary>
    public (int First, int Last) MonthRange()
    {
        int first = int.MaxValue, last = int.MinValue;
        for (var c = 0; c < Count; c++)
        {
            if (!Alive[c]) continue;
            first = Math.Min(first, Month[c]);
            last = Math.Max(last, Month[c]);
        }
        return (first, last);
    }

    public Cohort ToCohort(CohortDefinition definition, PatientTimeline timeline, int dataEnd, IReadOnlyList<AttritionStep> attrition, IReadOnlyList<PatientSet> steps)
    {
        var members = new PatientSet(Capacity);
        var index = new int[Capacity];
        var exit = new int[Capacity];
        for (var c = 0; c < Count; c++)
        {
            var patient = Patient[c];
            if (!Alive[c] || members.Contains(patient)) continue;
            members.Add(patient);
            var month = Month[c];
            var end = dataEnd;
            if (definition.Exit.AtDeath)
                end = Math.Min(end, timeline.Death[patient] >= month ? timeline.Death[patient] : Math.Max(timeline.Last[patient], month));
            if (definition.Exit.AfterMonths is { } after) end = Math.Min(end, month + after);
            index[patient] = MonthKey.FromAbsolute(month);
            exit[patient] = MonthKey.FromAbsolute(end);
        }
        return new Cohort(definition.Name, members, index, exit, attrition, steps);
    }
}
