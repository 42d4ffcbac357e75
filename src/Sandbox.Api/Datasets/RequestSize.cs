using Claims.Engine;
using Claims.Engine.Cohorts;
using Claims.Engine.Query;

namespace Claims.Sandbox.Datasets;

/// <summary>
/// Bounds on what one query or cohort definition may ask of the engine, checked once it is parsed and before it
/// runs, so that a definition too large to finish within the time limit is refused at once with the bound it
/// passes (400) instead of holding the cores until the limit stops it. Each bound is far above what a real
/// study needs: a few dozen rules, a few hundred predicates, a few thousand codes.
/// </summary>
public static class RequestSize
{
    /// <summary>Inclusion and exclusion rules of a cohort, together.</summary>
    public const int MaxRules = 100;

    /// <summary>Nodes of the where trees (and, or, not, exists, parent and column predicates) of a query, or of a whole cohort definition.</summary>
    public const int MaxPredicates = 1_000;

    /// <summary>Values of one in or notIn list.</summary>
    public const int MaxListValues = 10_000;

    /// <summary>
    /// exists and parent tests of a query or a definition: each builds a set of every month's matching receipt ids,
    /// as large as the receipts, so a thousand always-true ones would hold a thousand copies (attack review 35).
    /// </summary>
    public const int MaxReceiptSets = 32;

    public static void Check(QueryModel query) => CheckPredicates("query", [query.Where]);

    public static void Check(CohortDefinition cohort)
    {
        var rules = cohort.Inclusion.Count + cohort.Exclusion.Count;
        if (rules > MaxRules)
            throw new ClaimsException($"the cohort has {rules:N0} inclusion and exclusion rules; the limit here is {MaxRules:N0}");
        CheckPredicates("cohort", [cohort.Entry.Where, .. cohort.Inclusion.Concat(cohort.Exclusion).OfType<EventCountRule>().Select(r => r.Event.Where)]);
    }

    private static void CheckPredicates(string what, IEnumerable<Predicate?> trees)
    {
        var nodes = 0;
        var sets = 0;
        foreach (var node in trees.SelectMany(Nodes))
        {
            if (++nodes > MaxPredicates)
                throw new ClaimsException($"the {what}'s where trees have more than {MaxPredicates:N0} predicates (and, or, not, exists, parent and column tests), the limit here");
            if (node is ExistsPredicate or ParentPredicate or PatientMonthPredicate or FirstEventPredicate or FirstOfReceiptPredicate && ++sets > MaxReceiptSets)
                throw new ClaimsException($"the {what}'s where trees have more than {MaxReceiptSets} exists, parent, patientMonth, firstEvent and firstOfReceipt tests, the limit here");
            if (node is ColumnPredicate list && list.Constants > MaxListValues)
                throw new ClaimsException($"a list on {list.Column.Name} has {list.Constants:N0} values; the limit here is {MaxListValues:N0}");
        }
    }

    private static IEnumerable<Predicate> Nodes(Predicate? tree)
    {
        if (tree is null) yield break;
        yield return tree;
        IReadOnlyList<Predicate> children = tree switch
        {
            AndPredicate and => and.Terms,
            OrPredicate or => or.Terms,
            NotPredicate not => [not.Term],
            ExistsPredicate { Where: { } where } => [where],
            ParentPredicate parent => [parent.Where],
            PatientMonthPredicate { Where: { } where } => [where],
            FirstEventPredicate { Where: { } where } => [where],
            FirstOfReceiptPredicate { Where: { } where } => [where],
            _ => [],
        };
        foreach (var child in children)
            foreach (var node in Nodes(child)) yield return node;
    }
}
