namespace Claims.Engine.Cohorts;

/// <summary>One step of a cohort's attrition: the rule, the patients still in after it, and the patients it took out.</summary>
public sealed record AttritionStep(string Rule, long Remaining, long Removed);

/// <summary>
/// A cohort as the engine holds it: the member patients as a bitset, and for each member the index month (the
/// entry event's service month) and the exit month (the last month of follow-up), both YYYYMM.
/// Cohorts combine by union (index at the earlier entry, exit at the later), intersection (index when both
/// hold, the later entry; exit at the earlier) and difference (the left cohort's months).
/// </summary>
public sealed class Cohort
{
    private readonly int[] _index;
    private readonly int[] _exit;

    public Cohort(string name, PatientSet patients, int[] indexMonths, int[] exitMonths, IReadOnlyList<AttritionStep> attrition,
        IReadOnlyList<PatientSet>? stepPatients = null)
    {
        if (indexMonths.Length != patients.Capacity || exitMonths.Length != patients.Capacity)
            throw new ArgumentException("index and exit months need one entry per patient id");
        Name = name;
        Patients = patients;
        _index = indexMonths;
        _exit = exitMonths;
        Attrition = attrition;
        StepPatients = stepPatients ?? [.. attrition.Select(_ => patients)];
        if (StepPatients.Count != attrition.Count) throw new ArgumentException("one patient set per attrition step");
    }

    public string Name { get; }
    public PatientSet Patients { get; }
    public IReadOnlyList<AttritionStep> Attrition { get; }

    /// <summary>The patients remaining after each attrition step: what a released count is a count of, for differencing checks.</summary>
    public IReadOnlyList<PatientSet> StepPatients { get; }
    public long Count => Patients.Count;

    /// <summary>The member's index month (YYYYMM); 0 for a patient outside the cohort.</summary>
    public int IndexMonth(int patient) => Patients.Contains(patient) ? _index[patient] : 0;

    /// <summary>The member's last month of follow-up (YYYYMM); 0 for a patient outside the cohort.</summary>
    public int ExitMonth(int patient) => Patients.Contains(patient) ? _exit[patient] : 0;

    public Cohort Union(Cohort other) => Combine(other, $"{Name} ∪ {other.Name}", Patients.Union(other.Patients),
        (a, b) => a == 0 ? b : b == 0 ? a : Math.Min(a, b), (a, b) => Math.Max(a, b));

    public Cohort Intersect(Cohort other) => Combine(other, $"{Name} ∩ {other.Name}", Patients.Intersect(other.Patients),
        Math.Max, Math.Min);

    public Cohort Except(Cohort other) => Combine(other, $"{Name} − {other.Name}", Patients.Except(other.Patients),
        (a, _) => a, (a, _) => a);

    private Cohort Combine(Cohort other, string name, PatientSet patients, Func<int, int, int> index, Func<int, int, int> exit)
    {
        var indexMonths = new int[patients.Capacity];
        var exitMonths = new int[patients.Capacity];
        foreach (var patient in patients)
        {
            indexMonths[patient] = index(IndexMonth(patient), other.IndexMonth(patient));
            exitMonths[patient] = exit(ExitMonth(patient), other.ExitMonth(patient));
        }
        return new Cohort(name, patients, indexMonths, exitMonths, [new AttritionStep(name, patients.Count, 0)]);
    }
}
