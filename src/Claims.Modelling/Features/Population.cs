using Claims.Engine.Cohorts;
using Claims.Engine.Storage;
using Claims.Modelling.Spec;

namespace Claims.Modelling.Features;

/// <summary>
/// The members a model is trained and tested on: the target cohort's patients whose data reach the end of the
/// outcome window (a member whose window is cut short by the end of the data would count as "no outcome" for
/// months nobody saw), or with a censoring spec every patient, those cut short kept with what their data show;
/// each with their index month (absolute) and whether the outcome happened in the window.
/// </summary>
internal sealed class Population
{
    private Population(int[] patients, int[] index, bool[] outcome, int[] memberOf, PatientSet cohort, PatientSet notObserved)
    {
        NotObserved = notObserved;
        Patients = patients;
        Index = index;
        Outcome = outcome;
        MemberOf = memberOf;
        CohortPatients = cohort;
    }

    /// <summary>Each member's patient id, ascending.</summary>
    public int[] Patients { get; }

    /// <summary>Each member's index month, absolute (see <see cref="MonthKey.ToAbsolute"/>).</summary>
    public int[] Index { get; }

    /// <summary>Whether the outcome happened in the member's window; for a quantity, whether it is above 0.</summary>
    public bool[] Outcome { get; }

    /// <summary>For a quantity outcome, its value for each member (points, or admissions); otherwise 1 or 0.</summary>
    public float[] Value { get; private set; } = [];

    /// <summary>The member row of every patient id, −1 for patients outside the population.</summary>
    public int[] MemberOf { get; }

    /// <summary>The cohort's own patients, before members not observed to the end of the window were left out.</summary>
    public PatientSet CohortPatients { get; }

    public long Cohort => CohortPatients.Count;

    /// <summary>The cohort's patients whose data end before their outcome window does: left out, or members censored.</summary>
    public PatientSet NotObserved { get; }

    public int Count => Patients.Length;

    public int Outcomes => Outcome.Count(o => o);

    /// <summary>The patients of the members <paramref name="members"/> picks out, for counts released under disclosure control.</summary>
    public PatientSet Set(IEnumerable<int> members)
    {
        var set = new PatientSet(MemberOf.Length);
        foreach (var member in members) set.Add(Patients[member]);
        return set;
    }

    /// <summary>The patients of the members whose bits are set in <paramref name="members"/>.</summary>
    public PatientSet Set(ReadOnlySpan<ulong> members)
    {
        var set = new PatientSet(MemberOf.Length);
        foreach (var member in Claims.Engine.Kernels.Bitmap.SetBits(members)) set.Add(Patients[member]);
        return set;
    }

    /// <param name="dataEnd">The last month of the data (absolute): a shard's receipts may end before its split dataset's; by default the dataset's.</param>
    public static Population Build(Dataset dataset, ModelSpec spec, CancellationToken cancellationToken, int? dataEnd = null)
    {
        var cohort = dataset.BuildCohort(spec.Target, cancellationToken);
        var receipts = dataset.Table("receipts").Partitions;
        if (receipts.Count == 0) throw new ModelSpecException("target", $"the dataset at '{dataset.Directory}' has no receipts");
        dataEnd ??= MonthKey.ToAbsolute(receipts[^1].Key);
        var patients = new List<int>();
        var index = new List<int>();
        var notObserved = new PatientSet(cohort.Patients.Capacity);
        foreach (var patient in cohort.Patients)
        {
            var month = MonthKey.ToAbsolute(cohort.IndexMonth(patient));
            if (month + spec.Outcome.Window.To > dataEnd.Value)
            {
                notObserved.Add(patient);
                if (!spec.Outcome.Censor) continue;
            }
            patients.Add(patient);
            index.Add(month);
        }
        var population = Members(cohort, [.. patients], [.. index], notObserved);
        population.FindOutcomes(dataset, spec.Outcome, cancellationToken);
        return population;
    }

    /// <summary>Every member of <paramref name="cohort"/> at their index month, for a trained model to score: no outcome is known.</summary>
    public static Population Of(Cohort cohort)
    {
        var (patients, index) = (new List<int>(), new List<int>());
        foreach (var patient in cohort.Patients)
        {
            patients.Add(patient);
            index.Add(MonthKey.ToAbsolute(cohort.IndexMonth(patient)));
        }
        return Members(cohort, [.. patients], [.. index], new PatientSet(cohort.Patients.Capacity));
    }

    /// <summary>A population put together from parts (a split dataset's shards'): its members, ascending by patient, with what each part found.</summary>
    public static Population Of(int[] patients, int[] index, bool[] outcome, float[] value, PatientSet cohort, PatientSet notObserved)
    {
        var population = Members(cohort, patients, index, notObserved, outcome);
        population.Value = value;
        return population;
    }

    private static Population Members(Cohort cohort, int[] patients, int[] index, PatientSet notObserved) =>
        Members(cohort.Patients, patients, index, notObserved, new bool[patients.Length]);

    private static Population Members(PatientSet cohort, int[] patients, int[] index, PatientSet notObserved, bool[] outcome)
    {
        var memberOf = new int[cohort.Capacity];
        Array.Fill(memberOf, -1);
        for (var m = 0; m < patients.Length; m++) memberOf[patients[m]] = m;
        return new Population(patients, index, outcome, memberOf, cohort, notObserved);
    }

    private void FindOutcomes(Dataset dataset, OutcomeSpec outcome, CancellationToken cancellationToken)
    {
        if (outcome.Quantity is { } quantity)
        {
            Quantities(dataset, outcome.Window, quantity, cancellationToken);
            return;
        }
        var table = outcome.Event.Table;
        EventScan.Blocks(dataset, table, outcome.Event.Where, (partition, start, count, selected) =>
        {
            var month = MonthKey.ToAbsolute(partition.Key);
            var ids = partition.Column("patient_id");
            var values = ids.Values<int>();
            foreach (var i in Claims.Engine.Kernels.Bitmap.SetBits(selected))
            {
                var row = start + i;
                if (ids.IsNull(row) || MemberOf[values[row]] is var member && member < 0) continue;
                if (outcome.Window.Contains(month - Index[member])) Outcome[member] = true;
            }
        }, cancellationToken: cancellationToken);
        Value = [.. Outcome.Select(o => o ? 1f : 0f)];
    }

    /// <summary>
    /// Each member's points in their window, or their admissions: distinct admission dates on their receipts in the
    /// window (a stay billed over two months is one admission).
    /// </summary>
    private void Quantities(Dataset dataset, MonthWindow window, OutcomeQuantity quantity, CancellationToken cancellationToken)
    {
        var points = new long[Count];
        var admissions = new System.Collections.Concurrent.ConcurrentDictionary<(int Member, int Date), byte>();
        EventScan.Blocks(dataset, dataset.Table("receipts").Schema, null, (partition, start, count, _) =>
        {
            var month = MonthKey.ToAbsolute(partition.Key);
            var ids = partition.Column("patient_id");
            var patients = ids.Values<int>();
            var totals = partition.Column("total_points").Values<int>();
            var admitted = partition.Column("admission_date");
            var dates = admitted.Values<int>();
            for (var row = start; row < start + count; row++)
            {
                if (ids.IsNull(row) || MemberOf[patients[row]] is var member && member < 0 || !window.Contains(month - Index[member])) continue;
                if (quantity == OutcomeQuantity.Points) Interlocked.Add(ref points[member], totals[row]);
                else if (!admitted.IsNull(row)) admissions.TryAdd((member, dates[row]), 0);
            }
        }, cancellationToken: cancellationToken);
        var values = quantity == OutcomeQuantity.Points ? points.Select(p => (float)p).ToArray() : new float[Count];
        if (quantity == OutcomeQuantity.Admissions)
            foreach (var (member, _) in admissions.Keys) values[member]++;
        Value = values;
        for (var m = 0; m < Count; m++) Outcome[m] = values[m] > 0;
    }
}
