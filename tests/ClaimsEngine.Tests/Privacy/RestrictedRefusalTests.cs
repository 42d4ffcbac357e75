using Claims.Engine.Cohorts;
using Claims.Engine.Privacy;
using Claims.Engine.Query;

namespace Claims.Engine.Tests.Privacy;

/// <summary>
/// What restricted data refuses before anything runs, each refusal naming its place and what to ask instead
/// (docs/disclosure-control.md, step 1), written from the documented rules.
/// </summary>
public class RestrictedRefusalTests
{
    private static QueryException Refused(string from, string select, string? where = null, string groupBy = "[]") =>
        Assert.Throws<QueryException>(() => RestrictedAggregates.Check(QueryParser.Parse(
            $$"""{"from": "{{from}}", "groupBy": {{groupBy}}, {{(where is null ? "" : $"\"where\": {where}, ")}}"select": [{{select}}]}""")));

    private static void Allowed(string from, string select, string groupBy = "[]") =>
        RestrictedAggregates.Check(QueryParser.Parse($$"""{"from": "{{from}}", "groupBy": {{groupBy}}, "select": [{{select}}]}"""));

    [Theory]
    [InlineData("""{"min": "total_points", "as": "m"}""", "'m' (min of total_points): min and max are refused on restricted data")]
    [InlineData("""{"max": "age", "as": "m"}""", "'m' (max of age): min and max are refused on restricted data")]
    [InlineData("""{"countDistinct": "facility_id", "as": "f"}""", "'f' (countDistinct of facility_id): 'facility_id' identifies patients, records or facilities")]
    [InlineData("""{"count": "id1", "as": "h"}""", "'h' (count of id1): 'id1' identifies")]
    [InlineData("""{"countDistinct": "prefecture", "as": "v"}""", "'v' (countDistinct of prefecture): a distinct count of 'prefecture' values is refused on restricted data")]
    [InlineData("""{"countDistinct": "dpc_code", "as": "v"}""", "'v' (countDistinct of dpc_code): a distinct count of 'dpc_code' values is refused")]
    [InlineData("""{"countDistinct": "age", "as": "v"}""", "'v' (countDistinct of age): a distinct count of 'age' values is refused")]
    [InlineData("""{"sum": "birth_ym", "as": "b"}""", "'b' (sum of birth_ym): 'birth_ym' identifies")]
    [InlineData("""{"avg": "service_month", "as": "s"}""", "'s' (avg of service_month): 'service_month' is not a quantity to add up")]
    [InlineData("""{"sum": "prefecture", "as": "p"}""", "'p' (sum of prefecture): 'prefecture' is a category (enum:prefecture), not a quantity to add up")]
    public void An_aggregate_that_describes_whom_a_group_holds_is_refused_saying_what_to_ask(string select, string message)
    {
        var error = Refused("receipts", select);
        Assert.Equal("select", error.Path);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void The_population_table_is_refused_as_a_whole_since_it_counts_no_one_a_threshold_stands_behind()
    {
        var error = Refused("population", """{"sum": "persons", "as": "p"}""");
        Assert.Equal("from", error.Path);
        Assert.Contains("'population' counts no patients, claims or checkups, so nothing of it is released from restricted data", error.Message);
    }

    [Theory]
    [InlineData("diagnoses")]
    [InlineData("drugs")]
    public void Claims_counted_on_a_table_of_their_lines_are_refused_saying_to_count_them_from_receipts(string table)
    {
        var error = Refused(table, """{"countDistinct": "receipt_id", "as": "c"}, {"count": "*", "as": "n"}""");
        Assert.Equal("select", error.Path);
        Assert.Contains($"a distinct count of claims on '{table}' is refused on restricted data", error.Message);
        Assert.Contains($"count claims from receipts with an exists on '{table}'", error.Message);
        Allowed(table, """{"countDistinct": "patient_id", "as": "p"}, {"count": "*", "as": "n"}""");
    }

    [Fact]
    public void A_sum_of_a_flag_is_refused_as_a_count_of_rows_and_counts_of_ids_are_allowed()
    {
        // The parser refuses a sum of a boolean too; a model built in code meets the restricted rule itself.
        var checkups = Engine.Schema.ClaimsSchema.Default.Table("checkups");
        var model = new QueryModel(checkups, null, [], [new Aggregate(AggregateKind.Avg, checkups.Column("med_bp"), "n")], [], null);
        var flag = Assert.Throws<QueryException>(() => RestrictedAggregates.Check(model));
        Assert.Contains("a sum of the flag 'med_bp' is a count of rows", flag.Message);
        Allowed("receipts", """{"countDistinct": "patient_id", "as": "p"}, {"countDistinct": "receipt_id", "as": "r"}, {"count": "*", "as": "n"}, {"sum": "total_points", "as": "s"}""");
        Allowed("checkups", """{"countDistinct": "checkup_id", "as": "c"}, {"avg": "bmi", "as": "b"}""");
    }

    [Theory]
    [InlineData("\"patient_id\"")]
    [InlineData("\"facility_id\"")]
    [InlineData("\"birth_ym\"")]
    public void Group_keys_that_identify_are_refused_since_keys_are_released(string key)
    {
        var error = Refused("receipts", """{"count": "*", "as": "n"}""", groupBy: $"[\"prefecture\", {key}]");
        Assert.Equal("groupBy", error.Path);
        Assert.Contains($"{key.Trim('"')}' identifies patients or records", error.Message);
    }

    [Theory]
    [InlineData("""{"col": "patient_id", "eq": 7}""", "where")]
    [InlineData("""{"and": [{"col": "sex", "eq": 1}, {"col": "birth_ym", "eq": 195001}]}""", "where.and[1]")]
    [InlineData("""{"or": [{"col": "sex", "eq": 1}, {"col": "age", "eq": 40}, {"col": "facility_id", "in": [1, 2]}]}""", "where.or[2]")]
    [InlineData("""{"not": {"col": "receipt_id", "gt": 5}}""", "where.not")]
    [InlineData("""{"exists": {"from": "diagnoses", "where": {"col": "patient_id", "eq": 3}}}""", "where.exists")]
    [InlineData("""{"col": "id1", "eq": "0000000000000000000000000000000000000000000000000000000000000000"}""", "where")]
    public void A_filter_on_an_identifying_column_is_refused_at_its_place_however_deep(string where, string path)
    {
        var error = Refused("receipts", """{"count": "*", "as": "n"}""", where);
        Assert.Equal(path, error.Path);
        Assert.Contains("identifies patients, records or facilities: restricted data is not filtered by it", error.Message);
    }

    [Fact]
    public void Cohort_entries_and_rules_are_checked_like_queries_naming_the_rule()
    {
        const string entry = """{"table": "diagnoses", "where": {"col": "icd10", "prefix": "E11"}}""";
        var atEntry = Assert.Throws<QueryException>(() => RestrictedPredicates.Check(CohortParser.Parse(
            """{"name": "c", "entry": {"table": "diagnoses", "where": {"col": "patient_id", "lt": 10}}}""")));
        Assert.Equal("entry.where", atEntry.Path);
        foreach (var list in new[] { "inclusion", "exclusion" })
        {
            var atRule = Assert.Throws<QueryException>(() => RestrictedPredicates.Check(CohortParser.Parse(
                $$$"""{"name": "c", "entry": {{{entry}}}, "{{{list}}}": [{"name": "by id", "table": "receipts", "where": {"col": "facility_id", "eq": 1}}]}""")));
            Assert.Equal("rule 'by id'", atRule.Path);
        }
        RestrictedPredicates.Check(CohortParser.Parse($$$"""{"name": "c", "entry": {{{entry}}}, "inclusion": [{"name": "older", "table": "receipts", "where": {"col": "age", "ge": 40}}]}"""));
    }
}
