using Claims.Engine.Cohorts;
using Claims.Engine.Storage;

namespace Claims.Engine.Tests.Cohorts;

/// <summary>Exit months and cohort algebra, checked against DuckDB on the same fixture.</summary>
[Collection(CohortData.Name)]
public class CohortExitAndSetTests(CohortFixture data)
{
    private const string Months = "(service_month // 100 * 12 + service_month % 100 - 1)";

    [Fact]
    public void Exit_at_death_or_a_fixed_time_after_index_is_the_earliest_of_them_and_the_end_of_data()
    {
        var definition = """
            {"name": "hypertension, followed to death or 4 months",
             "entry": {"table": "diagnoses", "where": {"col": "icd10", "prefix": "I10"}},
             "exit": {"death": true, "afterMonths": 4}}
            """;
        var cohort = data.Dataset.BuildCohort(definition);
        var rows = data.Rows($"""
            WITH entry AS (SELECT patient_id AS p, min({Months}) AS m FROM diagnoses WHERE starts_with(icd10, 'I10') AND patient_id IS NOT NULL GROUP BY 1),
                 tl AS (SELECT patient_id AS p, max({Months}) AS last FROM receipts WHERE patient_id IS NOT NULL GROUP BY 1),
                 death AS (SELECT patient_id AS p, min({Months}) AS d FROM diagnoses WHERE outcome = 3 AND patient_id IS NOT NULL GROUP BY 1),
                 eod AS (SELECT max({Months}) AS e FROM receipts)
            SELECT entry.p, least(eod.e, entry.m + 4, CASE WHEN death.d >= entry.m THEN death.d ELSE greatest(tl.last, entry.m) END)
            FROM entry CROSS JOIN eod LEFT JOIN tl ON tl.p = entry.p LEFT JOIN death ON death.p = entry.p ORDER BY 1
            """);
        Assert.NotEmpty(rows);
        var actual = new List<(int, int)>();
        foreach (var patient in cohort.Patients) actual.Add((patient, cohort.ExitMonth(patient)));
        Assert.Equal(rows.Select(r => (Convert.ToInt32(r[0]), MonthKey.FromAbsolute(Convert.ToInt32(r[1])))).ToArray(), actual);
        Assert.Contains(actual, a => a.Item2 < MonthKey.FromAbsolute(MonthKey.ToAbsolute(cohort.IndexMonth(a.Item1)) + 4));
    }

    [Fact]
    public void Union_intersection_and_difference_match_the_patient_sets_in_SQL()
    {
        var diabetes = data.Dataset.BuildCohort("""{"name": "diabetes", "entry": {"table": "diagnoses", "where": {"col": "icd10", "prefix": "E11"}}}""");
        var hypertension = data.Dataset.BuildCohort("""{"name": "hypertension", "entry": {"table": "diagnoses", "where": {"col": "icd10", "prefix": "I10"}}}""");
        var first = $"SELECT patient_id AS p, min({Months}) AS m FROM diagnoses WHERE starts_with(icd10, '{{0}}') AND patient_id IS NOT NULL GROUP BY 1";
        string Sql(string prefix) => string.Format(first, prefix);

        AssertCohort(diabetes.Union(hypertension),
            $"SELECT p, min(m) FROM ({Sql("E11")} UNION ALL {Sql("I10")}) GROUP BY p ORDER BY p");
        AssertCohort(diabetes.Intersect(hypertension),
            $"SELECT a.p, greatest(a.m, b.m) FROM ({Sql("E11")}) a JOIN ({Sql("I10")}) b ON a.p = b.p ORDER BY 1");
        AssertCohort(diabetes.Except(hypertension),
            $"SELECT a.p, a.m FROM ({Sql("E11")}) a WHERE a.p NOT IN (SELECT p FROM ({Sql("I10")})) ORDER BY 1");
        Assert.Equal(diabetes.Count + hypertension.Count, diabetes.Union(hypertension).Count + diabetes.Intersect(hypertension).Count);
    }

    private void AssertCohort(Cohort cohort, string sql)
    {
        var expected = data.Rows(sql).Select(r => (Convert.ToInt32(r[0]), MonthKey.FromAbsolute(Convert.ToInt32(r[1])))).ToArray();
        Assert.NotEmpty(expected);
        var actual = new List<(int, int)>();
        foreach (var patient in cohort.Patients) actual.Add((patient, cohort.IndexMonth(patient)));
        Assert.Equal(expected, actual);
    }
}
