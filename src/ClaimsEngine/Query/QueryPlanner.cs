using Claims.Engine.Schema;

namespace Claims.Engine.Query;

/// <summary>How the aggregates of a query are taken from a block's selection.</summary>
internal enum AggregationPath
{
    /// <summary>No groups: counts by popcount, sums, extremes and distinct integers by the masked kernels (<see cref="Vectorised"/>).</summary>
    Masked,

    /// <summary>A cell index per row into flat arrays (<see cref="DenseGroups"/>), where the block's zones bound the keys to a small domain; row by row elsewhere.</summary>
    Dense,

    /// <summary>Row by row into a hash table of groups (extremes of floats, hashes, wide keys).</summary>
    Rows,
}

/// <summary>A bound query as it will be scanned: its where tree in evaluation order, and its aggregation path.</summary>
internal sealed record QueryPlan(QueryModel Query, Predicate? Where, AggregationPath Path);

/// <summary>
/// Between the binder and the scan: decides once per query what every block would otherwise decide again. Each
/// conjunction's terms are put in the order that reads least: tests of columns without nulls first (each ANDs
/// straight into the selection, with no second bitmap, while nothing is unknown), then other column tests, then
/// <c>or</c> and <c>not</c>, and <c>exists</c> and <c>parent</c> (a set of matching receipts per month, probed row by row) last, once
/// the terms before it may have emptied the block's selection. AND is commutative under SQL's three-valued logic too,
/// so the order changes nothing but the work. The aggregation path is the fastest every aggregate supports.
/// </summary>
internal static class QueryPlanner
{
    public static QueryPlan Plan(QueryModel query) => new(query, query.Where is null ? null : Ordered(query.Where), PathOf(query));

    private static AggregationPath PathOf(QueryModel query)
    {
        if (query.GroupBy.Count == 0 && query.Select.All(a => !a.OfParent && Vectorised.Supports(a))) return AggregationPath.Masked;
        // A receipt's column summed over its lines is read row by row through each line's receipt.
        if (query.Select.Any(a => a.OfParent)) return AggregationPath.Rows;
        // A chapter is a number made of a code: its zones, the code's dictionary ids, do not bound it.
        return query.Select.All(DenseGroups.Supports) && query.GroupBy.All(k => k.Column.Type is not (LogicalType.Float32 or LogicalType.Hash) && k.Derivation != Derivation.Icd10Chapter)
            ? AggregationPath.Dense
            : AggregationPath.Rows;
    }

    private static Predicate Ordered(Predicate predicate) => predicate switch
    {
        // OrderBy is stable: terms of one cost keep the order they were written in.
        AndPredicate and => new AndPredicate([.. and.Terms.Select(Ordered).OrderBy(Cost)]),
        OrPredicate or => new OrPredicate([.. or.Terms.Select(Ordered)]),
        NotPredicate not => new NotPredicate(Ordered(not.Term)),
        ExistsPredicate { Where: { } where } exists => exists with { Where = Ordered(where) },
        ParentPredicate parent => parent with { Where = Ordered(parent.Where) },
        PatientMonthPredicate { Where: { } where } month => month with { Where = Ordered(where) },
        FirstEventPredicate { Where: { } where } first => first with { Where = Ordered(where) },
        FirstOfReceiptPredicate { Where: { } where } line => line with { Where = Ordered(where) },
        _ => predicate,
    };

    private static int Cost(Predicate term) => term switch
    {
        NullTest => 1,
        ColumnPredicate { Column.Nullable: false } => 0,
        ColumnPredicate => 1,
        ExistsPredicate or ParentPredicate or PatientMonthPredicate or FirstEventPredicate or FirstOfReceiptPredicate => 3,
        _ => 2,
    };
}
