using Claims.Engine.Query;
using Claims.Engine.Schema;

namespace Claims.Engine.Tests.Query;

/// <summary>
/// The binder's output: each column test typed in its column's stored terms, as query.schema.json and
/// docs/queries.md describe the operators (expectations written from those, not from the binder).
/// </summary>
public class QueryBinderTests
{
    private static Predicate Where(string table, string where) =>
        QueryParser.Parse($$"""{"from": "{{table}}", "where": {{where}}, "select": [{"count": "*", "as": "n"}]}""").Where!;

    private static ColumnSchema Column(string table, string name) => ClaimsSchema.Default.Table(table).Column(name);

    [Fact]
    public void Integer_comparisons_become_inclusive_ranges_and_lists_sets()
    {
        var age = Column("receipts", "age");
        Assert.Equal(new IntegerRange(age, 40, 40), Where("receipts", """{"col": "age", "eq": 40}"""));
        Assert.Equal(new IntegerRange(age, long.MinValue, 39), Where("receipts", """{"col": "age", "lt": 40}"""));
        Assert.Equal(new IntegerRange(age, long.MinValue, 40), Where("receipts", """{"col": "age", "le": 40}"""));
        Assert.Equal(new IntegerRange(age, 41, long.MaxValue), Where("receipts", """{"col": "age", "gt": 40}"""));
        Assert.Equal(new IntegerRange(age, 40, long.MaxValue), Where("receipts", """{"col": "age", "ge": 40}"""));
        Assert.Equal(new IntegerRange(age, 40, 74), Where("receipts", """{"col": "age", "between": [40, 74]}"""));
        // Nothing lies below the smallest long or above the largest: an empty range, not a wrapped one.
        var below = Assert.IsType<IntegerRange>(Where("receipts", """{"col": "receipt_id", "lt": -9223372036854775808}"""));
        var above = Assert.IsType<IntegerRange>(Where("receipts", """{"col": "receipt_id", "gt": 9223372036854775807}"""));
        Assert.True(below.Low > below.High && above.Low > above.High);

        var set = Assert.IsType<IntegerSet>(Where("receipts", """{"col": "age", "in": [3, 1, 2]}"""));
        Assert.Equal([3L, 1, 2], set.Values);
        Assert.False(set.Negated);
        Assert.True(Assert.IsType<IntegerSet>(Where("receipts", """{"col": "age", "notIn": [3]}""")).Negated);
        var ne = Assert.IsType<IntegerSet>(Where("receipts", """{"col": "age", "ne": 3}"""));
        Assert.Equal([3L], ne.Values);
        Assert.True(ne.Negated);
    }

    [Fact]
    public void Dates_flags_and_months_are_integers_in_their_stored_terms()
    {
        var days = DateDays.From(new DateOnly(2024, 4, 1));
        Assert.Equal(new IntegerRange(Column("receipts", "admission_date"), days, days), Where("receipts", """{"col": "admission_date", "eq": "2024-04-01"}"""));
        Assert.Equal(new IntegerRange(Column("diagnoses", "is_main"), 1, 1), Where("diagnoses", """{"col": "is_main", "eq": true}"""));
        Assert.Equal(new IntegerRange(Column("receipts", "service_month"), 202404, 202503),
            Where("receipts", """{"col": "service_month", "between": [202404, 202503]}"""));
    }

    [Fact]
    public void Float_constants_are_rounded_to_float_and_exclusive_bounds_step_to_the_next_float()
    {
        var bmi = Column("checkups", "bmi");
        Assert.Equal(new FloatRange(bmi, 25.1f, 25.1f), Where("checkups", """{"col": "bmi", "eq": 25.1}"""));
        Assert.Equal(new FloatRange(bmi, MathF.BitIncrement(25f), float.PositiveInfinity), Where("checkups", """{"col": "bmi", "gt": 25}"""));
        Assert.Equal(new FloatRange(bmi, float.NegativeInfinity, MathF.BitDecrement(18.5f)), Where("checkups", """{"col": "bmi", "lt": 18.5}"""));
        Assert.Equal(new FloatRange(bmi, 18.5f, 25f), Where("checkups", """{"col": "bmi", "between": [18.5, 25]}"""));
        var set = Assert.IsType<FloatSet>(Where("checkups", """{"col": "bmi", "in": [5.6]}"""));
        Assert.Equal([5.6f], set.Values);
    }

    [Fact]
    public void Codes_stay_codes_until_a_partition_binds_them_and_hashes_become_bytes()
    {
        var icd10 = Column("diagnoses", "icd10");
        var set = Assert.IsType<CodeSet>(Where("diagnoses", """{"col": "icd10", "in": ["E11", "I10"]}"""));
        Assert.Equal(icd10, set.Column);
        Assert.Equal(["E11", "I10"], set.Codes);
        Assert.False(set.Negated);
        Assert.True(Assert.IsType<CodeSet>(Where("diagnoses", """{"col": "icd10", "ne": "E11"}""")).Negated);
        Assert.Equal(new CodePrefix(icd10, "E1"), Where("diagnoses", """{"col": "icd10", "prefix": "E1"}"""));
        Assert.Equal(new CodeRange(icd10, "E10", "E14"), Where("diagnoses", """{"col": "icd10", "between": ["E10", "E14"]}"""));

        var hex = string.Concat(Enumerable.Repeat("aB", 32));
        var match = Assert.IsType<HashMatch>(Where("receipts", $$"""{"col": "id1", "ne": "{{hex}}"}"""));
        Assert.Equal(Enumerable.Repeat((byte)0xab, 32), match.Hashes.Single());
        Assert.True(match.Negated);
        Assert.Equal(new NullTest(Column("receipts", "dpc_code"), false), Where("receipts", """{"col": "dpc_code", "isNull": false}"""));
    }

    [Fact]
    public void Names_are_bound_after_the_shape_is_checked()
    {
        // A misspelt operator is the parser's error even on an unknown table: the shape is checked before names.
        var error = Assert.Throws<QueryException>(() =>
            QueryParser.Parse("""{"from": "nowhere", "where": {"col": "x", "equals": 1}, "select": [{"count": "*", "as": "n"}]}"""));
        Assert.Equal("where.equals", error.Path);
        var unbound = Assert.Throws<QueryException>(() =>
            QueryParser.Parse("""{"from": "nowhere", "where": {"col": "x", "eq": 1}, "select": [{"count": "*", "as": "n"}]}"""));
        Assert.Equal("from", unbound.Path);
    }
}
