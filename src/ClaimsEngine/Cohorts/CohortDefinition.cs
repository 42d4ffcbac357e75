using Claims.Engine.Query;
using Claims.Engine.Schema;

namespace Claims.Engine.Cohorts;

/// <summary>
/// A parsed, bound cohort definition (data-schemas/cohort.schema.json documents the JSON). Time runs in service
/// months, the NDB's own resolution; day counts in a definition are whole months rounded up (see <see cref="Months"/>).
/// </summary>
public sealed record CohortDefinition(
    string Name,
    EventCriterion Entry,
    Occurrence Occurrence,
    int PriorObservationMonths,
    int FollowUpMonths,
    IReadOnlyList<CohortRule> Inclusion,
    IReadOnlyList<CohortRule> Exclusion,
    CohortExit Exit,
    string Json)
{
    /// <summary>Days as months, rounded up, so "at least 90 days" never admits less than 90 days of data.</summary>
    public static int Months(int days) => (days + 29) / 30;

    /// <summary>
    /// The tables the cohort reads besides its events': the receipts for prior observation, follow-up and an exit at
    /// death (a patient's first and last claims), the diagnoses for deaths, the entry's own record (its receipt or
    /// checkup) for age, sex, prefecture and claim-kind rules. A grant of tables must cover these too: an extract's
    /// exit date at death is a diagnosis's month.
    /// </summary>
    public IEnumerable<TableSchema> ImplicitTables(ClaimsSchema schema)
    {
        if (PriorObservationMonths > 0 || FollowUpMonths > 0 || Exit.AtDeath) yield return schema.Table("receipts");
        if (Exit.AtDeath) yield return schema.Table("diagnoses");
        if (Inclusion.Concat(Exclusion).Any(r => r is AgeRule or AttributeRule)) yield return EntryAttributes.RecordOf(schema, Entry.Table).Table;
    }
}

/// <summary>Rows of one table matching a where tree (or every row without one); an event's month is its partition month.</summary>
public sealed record EventCriterion(TableSchema Table, Predicate? Where);

/// <summary>Which entry events are candidate index events: a patient's earliest, or every entry receipt (the earliest that passes every rule wins).</summary>
public enum Occurrence
{
    First,
    Every,
}

/// <summary>A named inclusion or exclusion rule; an inclusion keeps the candidates it matches, an exclusion removes them.</summary>
public abstract record CohortRule(string Name);

/// <summary>At least <see cref="MinCount"/> (and at most <see cref="MaxCount"/>) matching rows with months in [index + From, index + To].</summary>
public sealed record EventCountRule(string Name, EventCriterion Event, int From, int To, int MinCount, int? MaxCount) : CohortRule(Name);

/// <summary>Age on the entry event's receipt (or checkup), inclusive bounds.</summary>
internal sealed record AgeRule(string Name, int Min, int Max) : CohortRule(Name);

/// <summary>A value of the entry event's receipt (or checkup): sex, prefecture or claim kind, one of a set.</summary>
internal sealed record AttributeRule(string Name, string Column, IReadOnlySet<int> Values) : CohortRule(Name);

/// <summary>
/// When follow-up ends: always at the end of data, earlier at death (a diagnosis with outcome 3, 死亡, or the
/// last claim when <see cref="AtDeath"/>), and at index + <see cref="AfterMonths"/> months when given.
/// </summary>
public sealed record CohortExit(bool AtDeath, int? AfterMonths);
