using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Testing;

namespace Claims.Engine.Tests.Query;

/// <summary>
/// Tests of a row's patient (<c>patientMonth</c>, <c>firstEvent</c>) and the <c>yj_ingredient</c> key, on blocks
/// smaller than a month, against DuckDB's answer to the same question written as SQL over the Parquet export.
/// </summary>
[Collection(SmallBlockData.Name)]
public sealed class PatientTestOracleTests(SmallBlockFixture data)
{
    [Theory]
    // Polypharmacy's shape: patients with four or more distinct drugs in a month, among outpatient and pharmacy lines.
    [InlineData(
        """{"from": "drugs", "where": {"patientMonth": {"where": {"parent": {"where": {"col": "claim_kind", "in": [2, 4]}}}, "distinct": "code", "atLeast": 4}}, "groupBy": ["receipts.prefecture", "service_month"], "select": [{"countDistinct": "patient_id", "as": "p"}, {"count": "*", "as": "n"}]}""",
        """
        WITH pm AS (SELECT d.patient_id, d.service_month FROM drugs d JOIN receipts r USING (receipt_id) WHERE r.claim_kind IN (2, 4) AND d.code IS NOT NULL
                    GROUP BY ALL HAVING count(DISTINCT d.code) >= 4)
        SELECT r.prefecture, d.service_month, count(DISTINCT d.patient_id), count(*) FROM drugs d JOIN receipts r USING (receipt_id)
        WHERE (d.patient_id, d.service_month) IN (SELECT (patient_id, service_month) FROM pm) GROUP BY ALL
        """, 40)]
    // Duplicate prescriptions' shape: one ingredient from two or more prescribers in a month; the outer test narrows
    // the rows counted, not the lines the pairs are found among.
    [InlineData(
        """{"from": "drugs", "where": {"and": [{"col": "drug_class", "ne": 214}, {"patientMonth": {"distinct": "prescriber_id", "per": "yj_ingredient", "atLeast": 2}}]}, "groupBy": ["service_month"], "select": [{"countDistinct": "patient_id", "as": "p"}, {"count": "*", "as": "n"}]}""",
        """
        WITH pm AS (SELECT DISTINCT patient_id, service_month FROM (SELECT patient_id, service_month, left(yj_code, 7) FROM drugs
                    WHERE prescriber_id IS NOT NULL AND yj_code IS NOT NULL GROUP BY ALL HAVING count(DISTINCT prescriber_id) >= 2))
        SELECT service_month, count(DISTINCT patient_id), count(*) FROM drugs
        WHERE drug_class <> 214 AND (patient_id, service_month) IN (SELECT (patient_id, service_month) FROM pm) GROUP BY ALL
        """, 10)]
    // A first event: the month of each patient's first type 2 diabetes diagnosis, whatever the sex test beside it.
    [InlineData(
        """{"from": "diagnoses", "where": {"and": [{"firstEvent": {"where": {"col": "icd10", "prefix": "E11"}}}, {"parent": {"where": {"col": "sex", "eq": 2}}}]}, "groupBy": ["service_month", "receipts.age_band"], "select": [{"countDistinct": "patient_id", "as": "p"}, {"count": "*", "as": "n"}]}""",
        """
        WITH f AS (SELECT patient_id, min(service_month) AS m FROM diagnoses WHERE icd10 LIKE 'E11%' AND patient_id IS NOT NULL GROUP BY 1)
        SELECT d.service_month, (r.age // 5) * 5, count(DISTINCT d.patient_id), count(*) FROM diagnoses d JOIN receipts r USING (receipt_id)
        JOIN f ON f.patient_id = d.patient_id AND f.m = d.service_month WHERE r.sex = 2 GROUP BY ALL
        """, 30)]
    [InlineData(
        """{"from": "drugs", "where": {"col": "drug_class", "eq": 396}, "groupBy": ["yj_ingredient"], "select": [{"countDistinct": "patient_id", "as": "p"}, {"sum": "quantity", "as": "q"}]}""",
        "SELECT left(yj_code, 7), count(DISTINCT patient_id), sum(quantity) FROM drugs WHERE drug_class = 396 GROUP BY ALL", 5)]
    public void Tests_of_a_row_s_patient_match_DuckDB(string json, string sql, int groups)
    {
        var statistics = new ScanStatistics();
        var result = data.Dataset.Execute(json, statistics);
        var expected = data.Rows(sql).Select(r => r.Select(QueryOracle.Canonical).ToArray()).ToList();
        Assert.True(expected.Count >= groups, $"{expected.Count} groups: the fixture should give this query at least {groups}");
        QueryOracle.Compare(0, json, sql, expected, QueryOracle.Rows(result).ToList(), ordered: false);
        Assert.True(statistics.Blocks > 2 * data.Dataset.Table("drugs").Partitions.Count, "months should span several blocks");
    }

    [Fact]
    public void A_first_event_is_the_patient_s_first_month_not_the_first_month_the_query_reads()
    {
        // Read from the fixture's fourth month on, the first diagnoses of earlier months are not anyone's first there.
        const string json = """{"from": "diagnoses", "where": {"and": [{"col": "service_month", "ge": 202304}, {"firstEvent": {"where": {"col": "icd10", "prefix": "I10"}}}]}, "select": [{"countDistinct": "patient_id", "as": "p"}]}""";
        var firsts = data.Dataset.Execute(json);
        var all = data.Dataset.Execute("""{"from": "diagnoses", "where": {"and": [{"col": "service_month", "ge": 202304}, {"col": "icd10", "prefix": "I10"}]}, "select": [{"countDistinct": "patient_id", "as": "p"}]}""");
        var expected = data.Rows("""
            SELECT count(*) FROM (SELECT patient_id, min(service_month) m FROM diagnoses WHERE icd10 LIKE 'I10%' AND patient_id IS NOT NULL GROUP BY 1) WHERE m >= 202304
            """).Single()[0];
        Assert.Equal(QueryOracle.Canonical(expected), QueryOracle.Rows(firsts).Single()[0]);
        Assert.True(long.Parse(QueryOracle.Rows(firsts).Single()[0]!) < long.Parse(QueryOracle.Rows(all).Single()[0]!) / 2,
            "most hypertensive patients of the later months were seen before them");
    }

    [Theory]
    [InlineData("""{"from": "population", "where": {"firstEvent": {}}, "select": [{"count": "*", "as": "n"}]}""", "table 'population' has no patient_id")]
    [InlineData("""{"from": "drugs", "where": {"patientMonth": {"distinct": "code", "atLeast": 0}}, "select": [{"count": "*", "as": "n"}]}""", "where.patientMonth.atLeast")]
    [InlineData("""{"from": "drugs", "where": {"patientMonth": {"atLeast": 6}}, "select": [{"count": "*", "as": "n"}]}""", "where.patientMonth.distinct")]
    [InlineData("""{"from": "drugs", "where": {"patientMonth": {"distinct": "receipts.facility_id", "atLeast": 2}}, "select": [{"count": "*", "as": "n"}]}""", "counts the table's own columns")]
    [InlineData("""{"from": "drugs", "where": {"patientMonth": {"distinct": "code", "per": "icd10_category", "atLeast": 2}}, "select": [{"count": "*", "as": "n"}]}""", "has no icd10 column")]
    [InlineData("""{"from": "drugs", "where": {"patientMonth": {"distinct": "code", "atLeast": 2, "within": 3}}, "select": [{"count": "*", "as": "n"}]}""", "unknown field 'within'")]
    [InlineData("""{"from": "drugs", "where": {"firstEvent": {"where": {"col": "dose", "eq": 1}}}, "select": [{"count": "*", "as": "n"}]}""", "has no column 'dose'")]
    public void A_patient_test_that_cannot_be_read_is_refused_by_name(string json, string named)
    {
        var error = Assert.Throws<QueryException>(() => QueryParser.Parse(json, data.Dataset.Schema));
        Assert.Contains(named, error.Message);
    }

    [Theory]
    [InlineData("""{"patientMonth": {"where": {"col": "prescriber_id", "eq": 7}, "distinct": "code", "atLeast": 1}}""", "where.patientMonth.where", "prescriber_id")]
    [InlineData("""{"not": {"firstEvent": {"where": {"col": "receipt_id", "gt": 7}}}}""", "where.not.firstEvent.where", "receipt_id")]
    public void Restricted_data_is_not_filtered_by_an_identifying_column_inside_a_patient_test(string where, string path, string column)
    {
        var query = QueryParser.Parse($$"""{"from": "drugs", "where": {{where}}, "select": [{"count": "*", "as": "n"}]}""", data.Dataset.Schema);
        var error = Assert.Throws<QueryException>(() => RestrictedPredicates.Check(query.Where, "where"));
        Assert.Contains(path, error.Message);
        Assert.Contains(column, error.Message);
    }

    [Fact]
    public void Patient_tests_of_columns_that_do_not_identify_are_allowed_on_restricted_data()
    {
        var query = QueryParser.Parse("""{"from": "drugs", "where": {"and": [{"not": {"firstEvent": {"where": {"col": "drug_class", "eq": 396}}}}, {"patientMonth": {"distinct": "code", "atLeast": 2}}]}, "select": [{"count": "*", "as": "n"}]}""",
            data.Dataset.Schema);
        RestrictedPredicates.Check(query.Where, "where");
    }

    /// <summary>
    /// Past 32 tests kept per opened dataset, every test's sets are forgotten and built again when asked: the
    /// answers do not change, and the sets held stay bounded however many different tests a service is asked.
    /// </summary>
    [Fact]
    public void Tests_past_the_kept_ones_are_built_again_with_the_same_answers()
    {
        static string Query(int atLeast) =>
            $$$"""{"from": "drugs", "where": {"patientMonth": {"distinct": "code", "atLeast": {{{atLeast}}}}}, "select": [{"countDistinct": "patient_id", "as": "p"}]}""";
        var before = QueryOracle.Rows(data.Dataset.Execute(Query(2))).Single()[0];
        var counts = Enumerable.Range(3, 33).Select(n => long.Parse(QueryOracle.Rows(data.Dataset.Execute(Query(n))).Single()[0]!)).ToList();
        Assert.Equal(before, QueryOracle.Rows(data.Dataset.Execute(Query(2))).Single()[0]);
        var expected = data.Rows("""
            SELECT count(DISTINCT patient_id) FROM drugs WHERE (patient_id, service_month) IN
              (SELECT (patient_id, service_month) FROM drugs WHERE code IS NOT NULL AND patient_id IS NOT NULL GROUP BY ALL HAVING count(DISTINCT code) >= 2)
            """).Single()[0];
        Assert.Equal(QueryOracle.Canonical(expected), before);
        // More distinct drugs asked, fewer patients: the rebuilt sets are those of their own tests.
        Assert.Equal(counts.OrderDescending(), counts);
        Assert.True(counts[0] > counts[^1], string.Join(", ", counts));
    }
}

/// <summary>
/// A receipt's column summed over its lines, one line of each receipt (<c>firstOfReceipt</c>), by the ICD-10 chapter
/// of the line: inpatient spending by the chapter of the first main diagnosis, against DuckDB's window function.
/// </summary>
[Collection(SmallBlockData.Name)]
public sealed class ReceiptLineOracleTests(SmallBlockFixture data)
{
    /// <summary>WHO ICD-10's chapters by the last category of each, written apart from the engine's list.</summary>
    internal const string Chapter = """
        CASE WHEN left(icd10, 1) = 'U' THEN 22 WHEN left(icd10, 3) <= 'B99' THEN 1 WHEN left(icd10, 3) <= 'D48' THEN 2 WHEN left(icd10, 3) <= 'D89' THEN 3
             WHEN left(icd10, 3) <= 'E90' THEN 4 WHEN left(icd10, 3) <= 'F99' THEN 5 WHEN left(icd10, 3) <= 'G99' THEN 6 WHEN left(icd10, 3) <= 'H59' THEN 7
             WHEN left(icd10, 3) <= 'H95' THEN 8 WHEN left(icd10, 3) <= 'I99' THEN 9 WHEN left(icd10, 3) <= 'J99' THEN 10 WHEN left(icd10, 3) <= 'K93' THEN 11
             WHEN left(icd10, 3) <= 'L99' THEN 12 WHEN left(icd10, 3) <= 'M99' THEN 13 WHEN left(icd10, 3) <= 'N99' THEN 14 WHEN left(icd10, 3) <= 'O99' THEN 15
             WHEN left(icd10, 3) <= 'P96' THEN 16 WHEN left(icd10, 3) <= 'Q99' THEN 17 WHEN left(icd10, 3) <= 'R99' THEN 18 WHEN left(icd10, 3) <= 'T98' THEN 19
             WHEN left(icd10, 3) <= 'Y98' THEN 20 WHEN left(icd10, 3) <= 'Z99' THEN 21 END
        """;

    [Theory]
    // Every diagnosis line's first of its receipt: one line per receipt, so the receipts' points add up once each.
    [InlineData("""{"col": "icd10", "isNull": false}""", "icd10 IS NOT NULL")]
    [InlineData("""{"col": "is_main", "eq": true}""", "is_main")]
    public void Receipt_points_by_the_chapter_of_each_receipt_s_first_matching_line_match_DuckDB(string where, string sql)
    {
        var json = """{"from": "diagnoses", "where": {"and": [{"parent": {"where": {"col": "claim_kind", "in": [1, 2, 3]}}}, {"firstOfReceipt": {"where": """ + where + """}}]}, "groupBy": ["receipts.prefecture", "icd10_chapter"], "select": [{"sum": "receipts.total_points", "as": "points"}, {"avg": "receipts.actual_days", "as": "days"}, {"count": "*", "as": "n"}, {"countDistinct": "patient_id", "as": "p"}]}""";
        var oracle = $"""
            WITH d AS (SELECT *, row_number() OVER (PARTITION BY receipt_id ORDER BY rowid) AS line FROM diagnoses WHERE {sql})
            SELECT r.prefecture, {Chapter.Replace("icd10", "d.icd10")}, sum(r.total_points), avg(r.actual_days), count(*), count(DISTINCT d.patient_id)
            FROM d JOIN receipts r USING (receipt_id, service_month) WHERE d.line = 1 AND r.claim_kind IN (1, 2, 3) GROUP BY ALL
            """;
        var statistics = new ScanStatistics();
        var result = data.Dataset.Execute(json, statistics);
        var expected = data.Rows(oracle).Select(r => r.Select(QueryOracle.Canonical).ToArray()).ToList();
        Assert.True(expected.Count >= 100, $"{expected.Count} groups");
        QueryOracle.Compare(0, json, oracle, expected, QueryOracle.Rows(result).ToList(), ordered: false);
        Assert.True(statistics.Blocks > 2 * data.Dataset.Table("diagnoses").Partitions.Count, "months should span several blocks");
    }

    [Theory]
    [InlineData("""{"from": "diagnoses", "select": [{"countDistinct": "receipts.facility_id", "as": "n"}]}""", "taken in sum and avg")]
    [InlineData("""{"from": "diagnoses", "select": [{"sum": "receipts.prefecture", "as": "n"}]}""", "without nulls")]
    [InlineData("""{"from": "diagnoses", "select": [{"sum": "receipts.nothing", "as": "n"}]}""", "table 'receipts' has no column 'nothing'")]
    [InlineData("""{"from": "receipts", "where": {"firstOfReceipt": {}}, "select": [{"count": "*", "as": "n"}]}""", "'receipts' is not a line-item table")]
    [InlineData("""{"from": "drugs", "groupBy": ["icd10_chapter"], "select": [{"count": "*", "as": "n"}]}""", "has no icd10 column")]
    public void A_receipt_column_or_line_test_that_cannot_be_read_is_refused_by_name(string json, string named)
    {
        var error = Assert.Throws<QueryException>(() => QueryParser.Parse(json, data.Dataset.Schema));
        Assert.Contains(named, error.Message);
    }
}
