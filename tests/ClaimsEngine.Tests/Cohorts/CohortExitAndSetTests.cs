using Claims.Engine.Cohorts;
using Claims.Engine.Storage;

namespace Claims.Engine.Tests.Cohorts;

/// <summary>Exit months and cohort algebra, checked against DuckDB on the same fixture.</summary>
[Collection(CohortData.Name)]
public class CohortExitAndSetTests(CohortFixture data)
{
    private const string Months = "(service_month // 100 * 12 + service_month % 100 - 1)";

    /// <summary>
    /// docs/cohorts.md: follow-up ends at the end of data, or earlier at death (the first diagnosis with outcome 3 at or
    /// after index, else the patient's last month with a claim) and/or a fixed time after index. The SQL says exactly
    /// that, per candidate, not how the engine finds it.
    /// </summary>
    [Theory]
    [InlineData(true, 4)]
    [InlineData(true, null)]
    [InlineData(false, 4)]
    public void Exit_is_the_earliest_of_the_end_of_data_death_and_a_fixed_time_after_index(bool death, int? afterMonths)
    {
        var exit = new List<string>();
        if (death) exit.Add("\"death\": true");
        if (afterMonths is { } after) exit.Add($"\"afterMonths\": {after}");
        var cohort = data.Dataset.BuildCohort("""
            {"name": "hypertension, followed",
             "entry": {"table": "diagnoses", "where": {"col": "icd10", "prefix": "I10"}},
             "exit": {
            """ + string.Join(", ", exit) + "}}");
        var deathExit = $"""
            coalesce((SELECT min({Months}) FROM diagnoses d WHERE d.patient_id = entry.p AND d.outcome = 3 AND {Months} >= entry.m),
                     (SELECT max({Months}) FROM receipts r WHERE r.patient_id = entry.p))
            """;
        var ends = new List<string> { $"(SELECT max({Months}) FROM receipts)" };
        if (death) ends.Add(deathExit);
        if (afterMonths is { } months) ends.Add($"entry.m + {months}");
        var rows = data.Rows($"""
            WITH entry AS (SELECT patient_id AS p, min({Months}) AS m FROM diagnoses WHERE starts_with(icd10, 'I10') AND patient_id IS NOT NULL GROUP BY 1)
            SELECT p, least({string.Join(", ", ends)}), m, {(death ? deathExit : "NULL")} FROM entry ORDER BY 1
            """);
        Assert.NotEmpty(rows);
        var actual = new List<(int, int)>();
        foreach (var patient in cohort.Patients) actual.Add((patient, cohort.ExitMonth(patient)));
        Assert.Equal(rows.Select(r => (Convert.ToInt32(r[0]), MonthKey.FromAbsolute(Convert.ToInt32(r[1])))).ToArray(), actual);

        // Each end must decide some exits, or the comparison would not show it is applied.
        var endOfData = data.Rows($"SELECT max({Months}) FROM receipts").Single()[0];
        var exits = rows.Select(r => (Exit: Convert.ToInt32(r[1]), Index: Convert.ToInt32(r[2]), Death: r[3] is null ? (int?)null : Convert.ToInt32(r[3]))).ToArray();
        Assert.Contains(exits, e => e.Exit == Convert.ToInt32(endOfData));
        if (afterMonths is { } fixedMonths) Assert.Contains(exits, e => e.Exit == e.Index + fixedMonths && e.Exit < Convert.ToInt32(endOfData));
        if (death) Assert.Contains(exits, e => e.Exit == e.Death && e.Exit < Convert.ToInt32(endOfData) && (afterMonths is null || e.Exit < e.Index + afterMonths));
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
