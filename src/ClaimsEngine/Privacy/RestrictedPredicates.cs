using Claims.Engine.Cohorts;
using Claims.Engine.Query;
using Claims.Engine.Schema;

namespace Claims.Engine.Privacy;

/// <summary>
/// What restricted data may be filtered by. A filter on an identifying column (a patient, receipt or facility id, a
/// hash, the birth month) picks out one person or a handful, and then anything released about the selection,
/// even whether it is empty, is about them. Refused wherever a where tree reaches restricted data: queries,
/// cohort entries and rules, extracts, a model's target and outcome.
/// </summary>
public static class RestrictedPredicates
{
    public static void Check(Predicate? where, string path)
    {
        switch (where)
        {
            case ColumnPredicate { Column: var column } when column.Identifying || column.Type == LogicalType.Hash:
                throw new QueryException(path, $"'{column.Name}' identifies patients, records or facilities: restricted data is not filtered by it");
            case AndPredicate and:
                for (var i = 0; i < and.Terms.Count; i++) Check(and.Terms[i], $"{path}.and[{i}]");
                break;
            case OrPredicate or:
                for (var i = 0; i < or.Terms.Count; i++) Check(or.Terms[i], $"{path}.or[{i}]");
                break;
            case NotPredicate not:
                Check(not.Term, $"{path}.not");
                break;
            case ExistsPredicate exists:
                Check(exists.Where, $"{path}.exists");
                break;
            case ParentPredicate parent:
                Check(parent.Where, $"{path}.parent");
                break;
            case PatientMonthPredicate month:
                Check(month.Where, $"{path}.patientMonth.where");
                break;
            case FirstEventPredicate first:
                Check(first.Where, $"{path}.firstEvent.where");
                break;
            case FirstOfReceiptPredicate line:
                Check(line.Where, $"{path}.firstOfReceipt.where");
                break;
        }
    }

    /// <summary>Every where tree of a cohort definition: its entry and each rule's events.</summary>
    public static void Check(CohortDefinition definition)
    {
        Check(definition.Entry.Where, "entry.where");
        foreach (var rule in definition.Inclusion.Concat(definition.Exclusion).OfType<EventCountRule>())
            Check(rule.Event.Where, $"rule '{rule.Name}'");
    }
}
