using Claims.Engine.Cohorts;
using Claims.Engine.Storage;
using Claims.Engine.Tests.Query;

using Claims.Testing;

namespace Claims.Engine.Tests.Cohorts;

/// <summary>The cohort oracle on the 8,000-person fixture (65,536-row blocks).</summary>
[Collection(CohortData.Name)]
public sealed class CohortOracleTests(CohortFixture data) : CohortOracle(data);

/// <summary>The cohort oracle on 4,096-row blocks, where every scan under a rule crosses block edges and skips on zone maps.</summary>
[Collection(SmallBlockData.Name)]
public sealed class SmallBlockCohortOracleTests(SmallBlockFixture data) : CohortOracle(data);

/// <summary>Cohorts built by the engine against the same definitions written as SQL for DuckDB on the Parquet export.</summary>
public abstract class CohortOracle(QueryFixture data)
{
    private const int RandomDefinitions = 60;

    [Fact]
    public void The_issue_definition_matches_hand_written_SQL_step_by_step()
    {
        var cohort = data.Dataset.BuildCohort(Example("new-users-of-diabetes-drugs"));
        const string am = "(service_month // 100 * 12 + service_month % 100 - 1)";
        const string entry = $"""
            SELECT d.patient_id AS p, f.m, min(d.receipt_id) AS k
            FROM drugs d JOIN (SELECT patient_id, min({am}) AS m FROM drugs WHERE drug_class = 396 AND patient_id IS NOT NULL GROUP BY 1) f
              ON d.patient_id = f.patient_id AND (d.service_month // 100 * 12 + d.service_month % 100 - 1) = f.m
            WHERE d.drug_class = 396 GROUP BY 1, 2
            """;
        const string observed = $"SELECT * FROM ({entry}) c WHERE c.m - (SELECT min({am}) FROM receipts r WHERE r.patient_id = c.p) >= 6";
        const string diagnosed = $"""
            SELECT * FROM ({observed}) c WHERE (SELECT count(*) FROM diagnoses g WHERE g.patient_id = c.p AND starts_with(g.icd10, 'E11')
              AND (g.service_month // 100 * 12 + g.service_month % 100 - 1) - c.m BETWEEN -12 AND 0) >= 1
            """;
        const string aged = $"SELECT * FROM ({diagnosed}) c WHERE (SELECT age FROM receipts r WHERE r.receipt_id = c.k) BETWEEN 40 AND 74";
        const string noType1 = $"""
            SELECT * FROM ({aged}) c WHERE NOT EXISTS (SELECT 1 FROM diagnoses g WHERE g.patient_id = c.p AND starts_with(g.icd10, 'E10')
              AND (g.service_month // 100 * 12 + g.service_month % 100 - 1) - c.m BETWEEN -1200 AND 0)
            """;
        var expected = new[] { entry, observed, diagnosed, aged, noType1 }.Select(s => Count($"SELECT count(*) FROM ({s})")).ToArray();
        Assert.Equal(expected, cohort.Attrition.Select(s => s.Remaining).ToArray());
        Assert.Equal(["entry: first drugs event", "prior observation ≥ 6 months", "T2DM diagnosis in the prior year", "aged 40-74 at index", "type 1 diabetes before"],
            cohort.Attrition.Select(s => s.Rule).ToArray());
        Assert.All(cohort.Attrition.Skip(1).Zip(cohort.Attrition), pair => Assert.Equal(pair.Second.Remaining - pair.First.Remaining, pair.First.Removed));
        Assert.True(expected[^1] > 0, "the definition selects nobody in the fixture; the comparison would prove little");
        AssertMembers(cohort, $"SELECT p, m FROM ({noType1}) ORDER BY p");
    }

    [Fact]
    public void Sixty_random_definitions_give_DuckDB_attrition_and_index_months()
    {
        var generator = new RandomCohorts(data.Dataset.Schema, new RandomQueries(data.Dataset.Schema, data.Samples(), seed: 5), seed: 20261126);
        var nonEmpty = 0;
        for (var i = 0; i < RandomDefinitions; i++)
        {
            var test = generator.Next(i);
            Cohort cohort;
            try
            {
                cohort = data.Dataset.BuildCohort(test.Json);
            }
            catch (Exception e)
            {
                Assert.Fail($"definition {i} failed in the engine: {e.Message}\n{test.Json}");
                return;
            }
            var expected = test.StepSql.Select(Count).ToArray();
            var actual = cohort.Attrition.Select(s => s.Remaining).ToArray();
            Assert.True(expected.SequenceEqual(actual), $"definition {i}: DuckDB [{string.Join(", ", expected)}], engine [{string.Join(", ", actual)}]\n{test.Json}");
            AssertMembers(cohort, test.FinalSql);
            if (cohort.Count > 0) nonEmpty++;
        }
        Assert.True(nonEmpty >= RandomDefinitions / 4, $"only {nonEmpty} of {RandomDefinitions} random cohorts have members");
    }

    private void AssertMembers(Cohort cohort, string sql)
    {
        var expected = data.Rows(sql).Select(r => (Convert.ToInt32(r[0]), MonthKey.FromAbsolute(Convert.ToInt32(r[1])))).ToArray();
        var actual = new List<(int, int)>();
        foreach (var patient in cohort.Patients) actual.Add((patient, cohort.IndexMonth(patient)));
        Assert.Equal(expected, actual);
    }

    internal static string Example(string name) =>
        System.Text.Encoding.UTF8.GetString(Engine.Schema.SchemaFiles.Embedded.ReadAllBytes($"examples/{name}.cohort.json"));

    private long Count(string sql) => Convert.ToInt64(data.Rows(sql)[0][0]);
}
