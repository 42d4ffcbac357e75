using System.Globalization;
using System.Numerics;
using Apache.Arrow;
using Claims.Engine.Kernels;
using Claims.Engine.Query;
using Claims.Engine.Schema;
using Claims.Engine.Storage;
using Claims.Testing;

namespace Claims.Engine.Tests.Query;

/// <summary>The query oracle on the 3,000-person fixture, where every month of every table is one block.</summary>
public sealed class QueryOracleTests(QueryFixture data) : QueryOracle(data, queries: 500, minZoneSkipping: 0), IClassFixture<QueryFixture>;

/// <summary>The query oracle on 4,096-row blocks: the same comparisons, and zone maps must skip blocks inside the months read.</summary>
[Collection(SmallBlockData.Name)]
public sealed class SmallBlockQueryOracleTests(SmallBlockFixture data) : QueryOracle(data, queries: 250, minZoneSkipping: 5)
{
    [Fact]
    public void A_range_on_patient_id_reads_only_the_blocks_its_zone_maps_allow_and_matches_DuckDB()
    {
        // Patients are numbered in order of first appearance and rows are written person by person, so low ids sit
        // in the first blocks of every month and the zone maps of the others exclude them.
        const string json = """{"from": "diagnoses", "where": {"col": "patient_id", "lt": 200}, "groupBy": ["service_month"], "select": [{"count": "*", "as": "n"}, {"countDistinct": "patient_id", "as": "p"}]}""";
        var statistics = new ScanStatistics();
        var result = Data.Dataset.Execute(json, statistics);
        var expected = Data.Rows("SELECT service_month, count(*), count(DISTINCT patient_id) FROM diagnoses WHERE patient_id < 200 GROUP BY 1")
            .Select(r => r.Select(Canonical).ToArray()).ToList();
        Compare(0, json, "", expected, Rows(result).ToList(), ordered: false);
        Assert.True(expected.Count >= 15, "every month should hold some of these patients");
        Assert.True(statistics.Blocks >= 3 * expected.Count, $"{statistics.Blocks} blocks for {expected.Count} months: the months should span several blocks");
        Assert.True(statistics.ZoneSkipped > statistics.Blocks / 2, $"read {statistics.Scanned} of {statistics.Blocks} blocks, {statistics.ZoneSkipped} skipped on zone maps");
    }
}

/// <summary>
/// Line-item rows read through their receipt: a <c>parent</c> test and <c>receipts.*</c> group keys, on blocks
/// smaller than a month (so a month's receipts are looked up from lines of every block), against DuckDB's join.
/// </summary>
[Collection(SmallBlockData.Name)]
public sealed class ParentColumnOracleTests(SmallBlockFixture data)
{
    [Theory]
    [InlineData(
        """{"from": "drugs", "where": {"and": [{"parent": {"where": {"and": [{"col": "sex", "eq": 2}, {"col": "claim_kind", "in": [2, 4]}]}}}, {"col": "drug_class", "in": [214, 396]}]}, "groupBy": ["receipts.prefecture", "service_month"], "select": [{"sum": "quantity", "as": "q"}, {"count": "*", "as": "n"}, {"countDistinct": "patient_id", "as": "p"}]}""",
        "SELECT r.prefecture, d.service_month, sum(d.quantity), count(*), count(DISTINCT d.patient_id) FROM drugs d JOIN receipts r USING (receipt_id) WHERE r.sex = 2 AND r.claim_kind IN (2, 4) AND d.drug_class IN (214, 396) GROUP BY ALL", true)]
    [InlineData(
        """{"from": "diagnoses", "where": {"not": {"parent": {"where": {"col": "age", "lt": 65}}}}, "groupBy": ["receipts.dpc_code", "receipts.insurer_kind", "receipts.age_band"], "select": [{"count": "*", "as": "n"}]}""",
        "SELECT r.dpc_code, r.insurer_kind, (r.age // 5) * 5, count(*) FROM diagnoses d JOIN receipts r USING (receipt_id) WHERE NOT (r.age < 65) GROUP BY ALL", true)]
    [InlineData(
        """{"from": "drugs", "where": {"col": "drug_class", "in": [214, 396, 449]}, "groupBy": ["receipts.prefecture", "receipts.sex"], "select": [{"max": "quantity", "as": "q"}, {"sum": "points", "as": "s"}, {"countDistinct": "patient_id", "as": "p"}]}""",
        "SELECT r.prefecture, r.sex, max(d.quantity), sum(d.points), count(DISTINCT d.patient_id) FROM drugs d JOIN receipts r USING (receipt_id) WHERE d.drug_class IN (214, 396, 449) GROUP BY ALL", false)]
    public void Lines_filtered_and_grouped_by_their_receipt_s_columns_match_DuckDB_s_join(string json, string sql, bool dense)
    {
        var statistics = new ScanStatistics();
        var result = data.Dataset.Execute(json, statistics);
        var expected = data.Rows(sql).Select(r => r.Select(QueryOracle.Canonical).ToArray()).ToList();
        Assert.True(expected.Count >= 20, $"{expected.Count} groups: the fixture should give this query many");
        QueryOracle.Compare(0, json, sql, expected, QueryOracle.Rows(result).ToList(), ordered: false);
        Assert.True(statistics.Blocks > 2 * data.Dataset.Table("drugs").Partitions.Count, "months should span several blocks");
        // Receipts' keys take the dense path unless an aggregate needs the row-by-row one (a float's maximum).
        Assert.Equal(dense, statistics.DenseBlocks > 0);
    }

    /// <summary>
    /// The lines a parent test picks are kept per dataset by the test's text, eight tests at most: ten tests asked in
    /// turn, each one's answer its own, and the first asked again after the others pushed it out, and in a period of
    /// the dataset, which keeps its own, all against DuckDB.
    /// </summary>
    [Fact]
    public void Parent_tests_kept_across_queries_and_periods_answer_as_DuckDB()
    {
        static string Query(int age) =>
            """{"from": "diagnoses", "where": {"parent": {"where": {"col": "age", "ge": """ + age + """}}}, "groupBy": ["service_month"], "select": [{"count": "*", "as": "n"}]}""";
        List<string?[]> Expected(int age, int from = 0) =>
            [.. data.Rows($"SELECT d.service_month, count(*) FROM diagnoses d JOIN receipts r USING (receipt_id) WHERE r.age >= {age} AND d.service_month >= {from} GROUP BY ALL")
                .Select(r => r.Select(QueryOracle.Canonical).ToArray())];
        int[] ages = [5, 15, 25, 35, 45, 55, 65, 75, 85, 95, 5];
        var counts = new List<long>();
        foreach (var age in ages)
        {
            var rows = QueryOracle.Rows(data.Dataset.Execute(Query(age))).ToList();
            QueryOracle.Compare(0, Query(age), "", Expected(age), rows, ordered: false);
            counts.Add(rows.Sum(r => long.Parse(r[1]!)));
        }
        Assert.Equal(counts[..^1].OrderDescending(), counts[..^1]);
        Assert.True(counts[0] > counts[^2], string.Join(", ", counts));

        var months = data.Dataset.Months!;
        var period = data.Dataset.Period(new MonthRange(months.To / 100 * 100 + 1, months.To));
        QueryOracle.Compare(0, Query(45), "", Expected(45, from: period.Months!.From), QueryOracle.Rows(period.Execute(Query(45))).ToList(), ordered: false);
    }

    /// <summary>
    /// Ten parent tests in one query, more than a dataset keeps: each is held for the query, so its answer is its own
    /// (and it is not built again block by block), against DuckDB.
    /// </summary>
    [Fact]
    public void More_parent_tests_in_one_query_than_a_dataset_keeps_answer_as_DuckDB()
    {
        var tests = string.Join(", ", Enumerable.Range(0, 10).Select(k => """{"parent": {"where": {"col": "age", "eq": """ + (7 * k + 3) + """}}}"""));
        var json = """{"from": "drugs", "where": {"or": [""" + tests + """]}, "groupBy": ["service_month"], "select": [{"count": "*", "as": "n"}]}""";
        var ages = string.Join(", ", Enumerable.Range(0, 10).Select(k => 7 * k + 3));
        var expected = data.Rows($"SELECT d.service_month, count(*) FROM drugs d JOIN receipts r USING (receipt_id) WHERE r.age IN ({ages}) GROUP BY ALL")
            .Select(r => r.Select(QueryOracle.Canonical).ToArray()).ToList();
        Assert.True(expected.Count > 10);
        QueryOracle.Compare(0, json, "", expected, QueryOracle.Rows(data.Dataset.Execute(json)).ToList(), ordered: false);
    }

    /// <summary>
    /// A parent test that holds a first event means the first event of the months the query can see: a period (a
    /// project's approved months) shares the dataset's partitions, but not the lines the test picked over all of them,
    /// which would tell of events before the period.
    /// </summary>
    [Fact]
    public void A_parent_test_of_first_events_in_a_period_counts_the_period_s_first_events()
    {
        const string json = """{"from": "drugs", "where": {"parent": {"where": {"firstEvent": {"where": {"col": "claim_kind", "eq": 1}}}}}, "groupBy": ["service_month"], "select": [{"count": "*", "as": "n"}]}""";
        var months = data.Dataset.Months!;
        var period = data.Dataset.Period(new MonthRange(months.To / 100 * 100 + 1, months.To));
        var whole = QueryOracle.Rows(data.Dataset.Execute(json)).ToList();
        var expected = data.Rows($"""
            WITH f AS (SELECT patient_id, min(service_month) AS m FROM receipts WHERE claim_kind = 1 AND service_month >= {period.Months!.From} GROUP BY ALL)
            SELECT d.service_month, count(*) FROM drugs d JOIN receipts r USING (receipt_id) JOIN f ON r.patient_id = f.patient_id AND r.service_month = f.m GROUP BY ALL
            """).Select(r => r.Select(QueryOracle.Canonical).ToArray()).ToList();
        var inPeriod = QueryOracle.Rows(period.Execute(json)).ToList();
        QueryOracle.Compare(0, json, "", expected, inPeriod, ordered: false);
        // The whole dataset's first events in those months are fewer: most patients' first came before them.
        Assert.True(whole.Where(r => long.Parse(r[0]!) >= period.Months.From).Sum(r => long.Parse(r[1]!)) < inPeriod.Sum(r => long.Parse(r[1]!)));
    }

    [Theory]
    [InlineData("""{"from": "receipts", "where": {"parent": {"where": {"col": "sex", "eq": 1}}}, "select": [{"count": "*", "as": "n"}]}""", "'receipts' is not a line-item table")]
    [InlineData("""{"from": "drugs", "where": {"parent": {"where": {"col": "drug_class", "eq": 214}}}, "select": [{"count": "*", "as": "n"}]}""", "table 'receipts' has no column 'drug_class'")]
    [InlineData("""{"from": "drugs", "where": {"parent": {}}, "select": [{"count": "*", "as": "n"}]}""", "where.parent.where")]
    [InlineData("""{"from": "drugs", "groupBy": ["receipts.id1"], "select": [{"count": "*", "as": "n"}]}""", "cannot group by the hash column 'id1'")]
    [InlineData("""{"from": "drugs", "groupBy": ["receipts.nothing"], "select": [{"count": "*", "as": "n"}]}""", "table 'receipts' has no column 'nothing'")]
    public void A_parent_test_or_key_that_cannot_be_read_is_refused_by_name(string json, string named)
    {
        var error = Assert.Throws<QueryException>(() => QueryParser.Parse(json, data.Dataset.Schema));
        Assert.Contains(named, error.Message);
    }
}

/// <summary>
/// Whole queries, not just kernels, at every width a query can force (<see cref="ExecutionOptions"/>), and at the
/// width CLAIMS_SIMD forces on a process of its own.
/// </summary>
[Collection(SmallBlockData.Name)]
public sealed class SimdLevelQueryTests(SmallBlockFixture data)
{
    private const int Queries = 120;

    private RandomQueries.Case[] Cases()
    {
        var generator = new RandomQueries(data.Dataset.Schema, data.Samples(), seed: 20261202);
        return Enumerable.Range(0, Queries).Select(_ => generator.Next()).ToArray();
    }

    [Theory]
    [InlineData(SimdLevel.Scalar)]
    [InlineData(SimdLevel.V128)]
    [InlineData(SimdLevel.V256)]
    [InlineData(SimdLevel.V512)]
    public void Random_queries_at_a_width_forced_for_the_query_give_what_DuckDB_gives(SimdLevel level)
    {
        var cases = Cases();
        var blocks = 0;
        for (var i = 0; i < cases.Length; i++)
        {
            var statistics = new ScanStatistics();
            var result = data.Dataset.Execute(cases[i].Json, statistics, new ExecutionOptions(level));
            blocks += statistics.Scanned;
            if (statistics.Scanned > 0) Assert.Equal([level], statistics.Levels);
            var expected = data.Rows(cases[i].Sql).Select(r => r.Select(QueryOracle.Canonical).ToArray()).ToList();
            QueryOracle.Compare(i, cases[i].Json, cases[i].Sql, expected, QueryOracle.Rows(result).ToList(), cases[i].Ordered);
        }
        Assert.True(blocks > Queries, $"{blocks} blocks scanned in {Queries} queries");
    }

    [Fact]
    public async Task Two_queries_at_once_each_run_at_their_own_width()
    {
        const string json = """{"from": "procedures", "where": {"col": "points", "between": [10, 1000]}, "select": [{"count": "*", "as": "n"}, {"sum": "points", "as": "p"}]}""";
        var runs = new[] { SimdLevel.Scalar, SimdLevel.V256, SimdLevel.V128, SimdLevel.V512 }
            .Select(level => Task.Run(() =>
            {
                var statistics = new ScanStatistics();
                List<string?[]> rows = [];
                for (var i = 0; i < 20; i++) rows = QueryOracle.Rows(data.Dataset.Execute(json, statistics, new ExecutionOptions(level, Threads: 2))).ToList();
                return (level, statistics.Levels, rows);
            })).ToArray();
        var results = await Task.WhenAll(runs);
        foreach (var (level, levels, _) in results) Assert.Equal([level], levels);
        Assert.All(results, r => Assert.Equal(results[0].rows, r.rows));
        // The process's own width is untouched on the threads the queries ran on.
        Assert.Equal(SimdLevels.Configured, SimdLevels.Active);
    }

    [Fact]
    public void A_query_runs_on_one_thread_when_asked_and_refuses_none()
    {
        var one = QueryOracle.Rows(data.Dataset.Execute(QueryParser.Parse(Cases()[0].Json, data.Dataset.Schema), new ExecutionOptions(Threads: 1))).ToList();
        Assert.Equal(QueryOracle.Rows(data.Dataset.Execute(Cases()[0].Json)).ToList(), one);
        Assert.Contains("threads must be at least 1", Assert.Throws<ClaimsException>(() => new ExecutionOptions(Threads: 0)).Message);
    }

    [Fact]
    public void Random_queries_under_CLAIMS_SIMD_in_a_process_of_its_own_give_what_DuckDB_gives()
    {
        const string variable = "scalar";
        var level = SimdLevel.Scalar;
        var cases = Cases();
        using var temp = new TempDirectory();
        File.WriteAllLines(temp.Combine("queries.jsonl"), cases.Select(c => c.Json));
        var (reported, rows) = SimdQueryChild.Execute(data.Dataset.Directory, temp.Combine("queries.jsonl"), variable, temp.Combine("rows.jsonl"));
        Assert.Equal(level.ToString(), reported);
        Assert.Equal(cases.Length, rows.Length);
        for (var i = 0; i < cases.Length; i++)
        {
            var expected = data.Rows(cases[i].Sql).Select(r => r.Select(QueryOracle.Canonical).ToArray()).ToList();
            QueryOracle.Compare(i, cases[i].Json, cases[i].Sql, expected, rows[i], cases[i].Ordered);
        }
    }
}

/// <summary>
/// Seeded random queries run by the engine and by DuckDB over the fixture's Parquet export, the independent oracle,
/// which must give the same rows, in the same order where the query orders them.
/// </summary>
public abstract class QueryOracle(QueryFixture data, int queries, int minZoneSkipping)
{
    protected QueryFixture Data => data;

    /// <summary>The oracle compares the encoded forms (docs/store.md), not only four-byte ids and stored months.</summary>
    [Fact]
    public void The_oracle_s_dataset_holds_one_and_two_byte_ids_and_constant_months()
    {
        var columns = data.Dataset.Tables.SelectMany(t => t.Partitions).SelectMany(p => p.Columns).ToList();
        var stored = columns.Where(c => c.Schema.Type.IsDictionary()).Select(c => c.StoredType).ToHashSet();
        Assert.Contains(LogicalType.Int8, stored);
        Assert.Contains(LogicalType.Int16, stored);
        Assert.All(columns.Where(c => c.Schema.Name is "service_month" && c.RowCount > 0), c => Assert.True(c.IsConstant, c.Name));
    }

    [Fact]
    public void Random_queries_give_what_DuckDB_gives_on_the_Parquet_export()
    {
        var generator = new RandomQueries(data.Dataset.Schema, data.Samples(), seed: 20261126);
        var nonEmpty = 0;
        var ordered = 0;
        var zoneSkipping = 0;
        var denseRowWise = 0;
        for (var i = 0; i < queries; i++)
        {
            var query = generator.Next();
            var statistics = new ScanStatistics();
            RecordBatch result;
            try
            {
                result = data.Dataset.Execute(query.Json, statistics);
            }
            catch (Exception e)
            {
                Assert.Fail($"query {i} failed in the engine: {e.Message}\n{query.Json}");
                return;
            }
            var expected = data.Rows(query.Sql).Select(r => r.Select(Canonical).ToArray()).ToList();
            var actual = Rows(result).ToList();
            if (expected.Any(r => r[0] != "0")) nonEmpty++;
            if (query.Ordered && expected.Count > 1) ordered++;
            if (statistics.ZoneSkipped > 0) zoneSkipping++;
            if (statistics.DenseBlocks > 0 && (query.Json.Contains("\"min\"") || query.Json.Contains("\"max\"") || query.Json.Contains("\"countDistinct\""))) denseRowWise++;
            Compare(i, query.Json, query.Sql, expected, actual, query.Ordered);
        }
        Assert.True(nonEmpty > queries / 3, $"only {nonEmpty} queries selected anything: the generator is too strict to test much");
        Assert.True(ordered > queries / 20, $"only {ordered} queries ordered more than one row");
        Assert.True(zoneSkipping >= minZoneSkipping, $"zone maps skipped blocks in {zoneSkipping} queries, fewer than {minZoneSkipping}");
        Assert.True(denseRowWise > queries / 50, $"only {denseRowWise} queries took min, max or countDistinct through the dense group-by");
    }

    [Fact]
    public void Top_ICD10_categories_by_distinct_patients_group_codes_of_a_category_together_on_the_dense_path_and_match_DuckDB()
    {
        const string json = """{"from": "diagnoses", "groupBy": ["icd10_category"], "select": [{"countDistinct": "patient_id", "as": "patients"}, {"count": "*", "as": "n"}], "orderBy": [{"col": "patients", "desc": true}], "limit": 20}""";
        var statistics = new ScanStatistics();
        var result = data.Dataset.Execute(json, statistics);
        const string sql = "SELECT left(icd10, 3) AS c, count(DISTINCT patient_id) AS p, count(*) FROM diagnoses GROUP BY ALL ORDER BY p DESC, c ASC NULLS LAST LIMIT 20";
        var expected = data.Rows(sql).Select(r => r.Select(Canonical).ToArray()).ToList();
        var actual = Rows(result).ToList();
        Compare(0, json, sql, expected, actual, ordered: true);
        Assert.Equal(20, actual.Count);
        Assert.All(actual, row => Assert.True(row[0] is null || row[0]!.Length == 3, $"category {row[0]}"));
        Assert.True(statistics.DenseBlocks > 0, "the categories should be grouped through the dense group-by");
        var codes = Convert.ToInt64(data.Rows("SELECT count(DISTINCT icd10) FROM diagnoses")[0][0]);
        var categories = Convert.ToInt64(data.Rows("SELECT count(DISTINCT left(icd10, 3)) FROM diagnoses")[0][0]);
        Assert.True(codes > categories, $"{codes} codes in {categories} categories: some category should hold several codes");
    }

    [Fact]
    public void Group_keys_spanning_most_of_the_long_range_take_the_hash_path_and_match_DuckDB()
    {
        // Receipt ids are spread over the int64 range: the product of the keys' spans would wrap a long.
        const string json = """{"from": "receipts", "groupBy": ["patient_id", "receipt_id"], "select": [{"count": "*", "as": "n"}, {"max": "total_points", "as": "m"}]}""";
        var statistics = new ScanStatistics();
        var result = data.Dataset.Execute(json, statistics);
        var expected = data.Rows("SELECT patient_id, receipt_id, count(*), max(total_points) FROM receipts GROUP BY ALL")
            .Select(r => r.Select(Canonical).ToArray()).ToList();
        Compare(0, json, "", expected, Rows(result).ToList(), ordered: false);
        Assert.Equal(0, statistics.DenseBlocks);
    }

    [Fact]
    public void What_disclosure_control_adds_to_a_grouped_query_runs_through_the_dense_group_by_and_matches_DuckDB()
    {
        // The shape of every restricted query after MeasuredQuery: rows, patients and each summed column's extremes,
        // plus a distinct count of codes; none of it may fall to the row-by-row path.
        const string json = """
            {"from": "receipts", "where": {"col": "age", "ge": 40}, "groupBy": ["prefecture", "age_band", "sex"],
             "select": [{"count": "*", "as": "n"}, {"countDistinct": "patient_id", "as": "p"}, {"sum": "total_points", "as": "s"},
                        {"min": "total_points", "as": "lo"}, {"max": "total_points", "as": "hi"}, {"countDistinct": "dpc_code", "as": "dpc"},
                        {"min": "admission_date", "as": "first"}, {"max": "receipt_id", "as": "last"}]}
            """;
        var statistics = new ScanStatistics();
        var result = data.Dataset.Execute(json, statistics);
        var expected = data.Rows("""
            SELECT prefecture, (age // 5) * 5, sex, count(*), count(DISTINCT patient_id), sum(total_points), min(total_points), max(total_points),
                   count(DISTINCT dpc_code), min(admission_date), max(receipt_id)
            FROM receipts WHERE age >= 40 GROUP BY ALL
            """).Select(r => r.Select(Canonical).ToArray()).ToList();
        Assert.True(expected.Count > 50);
        Compare(0, json, "", expected, Rows(result).ToList(), ordered: false);
        Assert.Equal(statistics.Scanned, statistics.DenseBlocks);
    }

    [Fact]
    public void The_issue_query_is_accepted_as_written_and_matches_DuckDB()
    {
        const string json = """
            {"from": "receipts",
             "where": {"and": [{"col": "service_month", "between": [202304, 202403]},
                               {"col": "sex", "eq": 2},
                               {"or": [{"col": "prefecture", "in": [13, 14]}, {"not": {"col": "age", "lt": 65}}]},
                               {"exists": {"from": "diagnoses", "where": {"col": "icd10", "prefix": "E11"}}}]},
             "groupBy": ["prefecture", "age_band"],
             "select": [{"count": "*", "as": "claims"}, {"sum": "total_points", "as": "points"}, {"countDistinct": "patient_id", "as": "patients"}],
             "orderBy": [{"col": "points", "desc": true}],
             "limit": 100}
            """;
        var result = data.Dataset.Execute(json);
        Assert.Equal(["prefecture", "age_band", "claims", "points", "patients"], result.Schema.FieldsList.Select(f => f.Name));
        var expected = data.Rows("""
            SELECT prefecture, (age // 5) * 5, count(*), sum(total_points), count(DISTINCT patient_id)
            FROM receipts r
            WHERE service_month BETWEEN 202304 AND 202403 AND sex = 2 AND (prefecture IN (13, 14) OR NOT (age < 65))
              AND EXISTS (SELECT 1 FROM diagnoses d WHERE d.receipt_id = r.receipt_id AND starts_with(d.icd10, 'E11'))
            GROUP BY ALL ORDER BY 4 DESC NULLS LAST, 1 NULLS LAST, 2 NULLS LAST LIMIT 100
            """).Select(r => r.Select(Canonical).ToArray()).ToList();
        Assert.True(expected.Count > 5);
        Assert.Equal(expected, Rows(result).ToList());
    }

    [Fact]
    public void Exists_without_a_where_and_its_negation_match_DuckDB()
    {
        foreach (var (where, sql) in new[]
                 {
                     ("""{"exists": {"from": "dpc"}}""", "EXISTS (SELECT 1 FROM dpc d WHERE d.receipt_id = r.receipt_id)"),
                     ("""{"not": {"exists": {"from": "diagnoses"}}}""", "NOT EXISTS (SELECT 1 FROM diagnoses d WHERE d.receipt_id = r.receipt_id)"),
                 })
        {
            var json = $$"""{"from": "receipts", "where": {{where}}, "groupBy": ["service_month"], "select": [{"count": "*", "as": "n"}]}""";
            var expected = data.Rows($"SELECT service_month, count(*) FROM receipts r WHERE {sql} GROUP BY 1")
                .Select(r => r.Select(Canonical).ToArray()).ToList();
            Assert.True(expected.Count > 1, $"{sql}: every month should hold such receipts");
            Compare(0, json, sql, expected, Rows(data.Dataset.Execute(json)).ToList(), ordered: false);
        }
    }

    /// <summary>The same rows (within <see cref="Same"/>), in the same order when <paramref name="ordered"/>.</summary>
    internal static void Compare(int index, string json, string sql, List<string?[]> expected, List<string?[]> actual, bool ordered)
    {
        if (!ordered)
        {
            var comparer = Comparer<string?[]>.Create((x, y) => string.CompareOrdinal(string.Join("|", x), string.Join("|", y)));
            expected.Sort(comparer);
            actual.Sort(comparer);
        }
        var message = $"query {index}:\n{json}\n{sql}";
        Assert.True(expected.Count == actual.Count, $"{message}\nDuckDB gave {expected.Count} rows, the engine {actual.Count}");
        for (var r = 0; r < expected.Count; r++)
        {
            for (var c = 0; c < expected[r].Length; c++)
            {
                if (!Same(expected[r][c], actual[r][c]))
                    Assert.Fail($"{message}\nrow {r} column {c}: DuckDB {expected[r][c] ?? "NULL"}, engine {actual[r][c] ?? "NULL"}");
            }
        }
    }

    /// <summary>Equal text, or numbers equal to a relative 1e-9 (sums of floats depend on the order of addition).</summary>
    private static bool Same(string? x, string? y)
    {
        if (x == y) return true;
        if (x is null || y is null) return false;
        return double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
               && double.TryParse(y, NumberStyles.Float, CultureInfo.InvariantCulture, out var b)
               && Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));
    }

    internal static IEnumerable<string?[]> Rows(RecordBatch batch)
    {
        for (var r = 0; r < batch.Length; r++)
        {
            yield return Enumerable.Range(0, batch.ColumnCount).Select(c => Canonical(batch.Column(c) switch
            {
                var a when a.IsNull(r) => null,
                StringArray s => s.GetString(r),
                DoubleArray d => d.GetValue(r),
                Int64Array i => i.GetValue(r),
                Date32Array date => date.GetDateOnly(r),
                BooleanArray b => b.GetValue(r),
                var a => throw new InvalidOperationException(a.GetType().Name),
            })).ToArray();
        }
    }

    /// <summary>One text form for both engines: integers exact, reals round-trip, dates ISO, booleans true/false.</summary>
    internal static string? Canonical(object? value) => QueryFixture.Normalise(value) switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e15 => ((long)d).ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => ((double)f).ToString("R", CultureInfo.InvariantCulture),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        BigInteger i => i.ToString(CultureInfo.InvariantCulture),
        var v => Convert.ToInt64(v, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
    };
}
