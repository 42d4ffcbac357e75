using Claims.Engine.Query;
using Claims.Engine.Schema;

namespace Claims.Engine.Tests.Query;

/// <summary>
/// The plan between binder and scan, against what docs/queries.md says it decides: each conjunction's terms in the
/// order that reads least (no reordering across or and not), and the aggregation path every aggregate supports. The
/// results the plans give are the oracle tests' (random and/or/not/exists trees against DuckDB).
/// </summary>
public class QueryPlannerTests
{
    private static QueryPlan Plan(string json) => QueryPlanner.Plan(QueryParser.Parse(json));

    private static string Describe(Predicate predicate) => predicate switch
    {
        AndPredicate and => $"and({string.Join(", ", and.Terms.Select(Describe))})",
        OrPredicate or => $"or({string.Join(", ", or.Terms.Select(Describe))})",
        NotPredicate not => $"not({Describe(not.Term)})",
        ExistsPredicate exists => $"exists {exists.Child.Name}{(exists.Where is { } where ? $" {Describe(where)}" : "")}",
        ColumnPredicate leaf => leaf.Column.Name,
        _ => throw new InvalidOperationException(predicate.GetType().Name),
    };

    [Fact]
    public void Conjunctions_read_columns_without_nulls_first_then_nullable_ones_then_or_and_not_then_exists()
    {
        // prefecture and admission_date hold nulls; sex and claim_kind do not.
        var plan = Plan("""
            {"from": "receipts", "where": {"and": [
                {"exists": {"from": "diagnoses", "where": {"and": [{"col": "icd10", "prefix": "E11"}, {"col": "is_main", "eq": true}]}}},
                {"or": [{"col": "prefecture", "eq": 13}, {"and": [{"col": "admission_date", "isNull": false}, {"col": "sex", "eq": 1}]}]},
                {"col": "prefecture", "eq": 13},
                {"not": {"col": "age", "lt": 20}},
                {"col": "admission_date", "isNull": true},
                {"col": "sex", "eq": 2},
                {"col": "claim_kind", "eq": 1}]},
             "select": [{"count": "*", "as": "n"}]}
            """);
        Assert.Equal(
            "and(sex, claim_kind, prefecture, admission_date, or(prefecture, and(sex, admission_date)), not(age), exists diagnoses and(is_main, icd10))",
            Describe(plan.Where!));
    }

    [Fact]
    public void A_query_without_a_where_plans_none()
    {
        Assert.Null(Plan("""{"from": "receipts", "select": [{"count": "*", "as": "n"}]}""").Where);
    }

    [Theory]
    [InlineData("""{"from": "receipts", "select": [{"count": "*", "as": "n"}, {"sum": "total_points", "as": "s"}, {"countDistinct": "patient_id", "as": "p"}]}""", nameof(AggregationPath.Masked))]
    [InlineData("""{"from": "checkups", "select": [{"avg": "hba1c", "as": "a"}]}""", nameof(AggregationPath.Masked))]
    [InlineData("""{"from": "diagnoses", "select": [{"countDistinct": "icd10", "as": "codes"}]}""", nameof(AggregationPath.Dense))]
    [InlineData("""{"from": "receipts", "groupBy": ["prefecture", "age_band"], "select": [{"sum": "total_points", "as": "s"}]}""", nameof(AggregationPath.Dense))]
    [InlineData("""{"from": "checkups", "groupBy": ["sex"], "select": [{"avg": "hba1c", "as": "a"}]}""", nameof(AggregationPath.Dense))]
    [InlineData("""{"from": "drugs", "groupBy": ["receipts.prefecture", "service_month"], "select": [{"sum": "quantity", "as": "q"}, {"countDistinct": "patient_id", "as": "p"}]}""", nameof(AggregationPath.Dense))]
    [InlineData("""{"from": "checkups", "groupBy": ["sex"], "select": [{"max": "hba1c", "as": "m"}]}""", nameof(AggregationPath.Rows))]
    [InlineData("""{"from": "checkups", "groupBy": ["bmi"], "select": [{"count": "*", "as": "n"}]}""", nameof(AggregationPath.Rows))]
    [InlineData("""{"from": "receipts", "select": [{"countDistinct": "id1", "as": "h"}]}""", nameof(AggregationPath.Rows))]
    public void The_aggregation_path_is_the_fastest_every_aggregate_supports(string json, string path)
    {
        Assert.Equal(Enum.Parse<AggregationPath>(path), Plan(json).Path);
    }

    [Fact]
    public void A_sum_keeping_each_patient_s_total_is_never_masked()
    {
        var query = QueryParser.Parse("""{"from": "receipts", "select": [{"sum": "total_points", "as": "s"}]}""");
        var perUnit = query with { Select = [query.Select[0] with { PerUnit = query.From.Column("patient_id") }] };
        Assert.Equal(AggregationPath.Masked, QueryPlanner.Plan(query).Path);
        Assert.Equal(AggregationPath.Dense, QueryPlanner.Plan(perUnit).Path);
    }
}
