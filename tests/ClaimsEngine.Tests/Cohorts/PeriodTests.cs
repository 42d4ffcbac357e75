using Claims.Testing;
using Claims.Engine.Cohorts;
using Claims.Engine.Query;
using Claims.Engine.Storage;
using Claims.Engine.Tests.Query;

namespace Claims.Engine.Tests.Cohorts;

/// <summary>
/// A dataset seen through a project's period (May to December 2023 of the fixture's January 2023 to March 2024)
/// against DuckDB over the same Parquet export with every table cut to those months: what the engine hides must
/// be exactly what lies outside, for rows, queries and cohorts (whose observation and look-backs end at the cut).
/// </summary>
[Collection(CohortData.Name)]
public sealed class PeriodTests(CohortFixture data) : IDisposable
{
    private static readonly MonthRange s_period = new(202305, 202312);
    private readonly DuckOracle _cut = Cut(data);

    [Fact]
    public void A_period_holds_exactly_the_rows_of_its_months_and_answers_queries_as_DuckDB_on_those_rows()
    {
        var view = data.Dataset.Period(s_period);
        Assert.Same(view, data.Dataset.Period(new MonthRange(202305, 202312)));
        Assert.Equal(s_period, view.Months);
        Assert.Equal(new MonthRange(202301, 202403), data.Dataset.Months);
        foreach (var table in view.Tables)
        {
            Assert.All(table.Partitions, p => Assert.True(s_period.Contains(p.Key), $"{table.Name}/{p.Key} is outside the period"));
            Assert.Equal(_cut.Scalar($"SELECT count(*) FROM {table.Name}"), table.RowCount);
            Assert.True(table.RowCount < data.Dataset.Table(table.Name).RowCount);
        }

        var query = """{"from": "receipts", "groupBy": ["service_month", "claim_kind"], "select": [{"count": "*", "as": "claims"}, {"sum": "total_points", "as": "points"}, {"countDistinct": "patient_id", "as": "patients"}]}""";
        var expected = _cut.Rows("SELECT service_month, claim_kind, count(*), sum(total_points)::BIGINT, count(DISTINCT patient_id) FROM receipts GROUP BY ALL ORDER BY ALL")
            .Select(r => string.Join("|", r.Select(Convert.ToInt64))).ToArray();
        var batch = view.Execute(query);
        var actual = Enumerable.Range(0, batch.Length)
            .Select(r => string.Join("|", Enumerable.Range(0, batch.ColumnCount).Select(c => Convert.ToInt64(ArrowValues.Value(batch.Column(c), r)))))
            .Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual);
        Assert.Equal(8, actual.Select(r => r.Split('|')[0]).Distinct().Count());
    }

    [Fact]
    public void Cohorts_in_a_period_match_DuckDB_on_the_rows_of_its_months()
    {
        var view = data.Dataset.Period(s_period);
        var issue = view.BuildCohort(CohortOracle.Example("new-users-of-diabetes-drugs"));
        var whole = data.Dataset.BuildCohort(CohortOracle.Example("new-users-of-diabetes-drugs"));
        Assert.NotEqual(whole.Attrition.Select(s => s.Remaining), issue.Attrition.Select(s => s.Remaining));

        var generator = new RandomCohorts(data.Dataset.Schema, new RandomQueries(data.Dataset.Schema, data.Samples(), seed: 6), seed: 20261127);
        for (var i = 0; i < 25; i++)
        {
            var test = generator.Next(i);
            var cohort = view.BuildCohort(test.Json);
            var expected = test.StepSql.Select(_cut.Scalar).ToArray();
            var actual = cohort.Attrition.Select(s => s.Remaining).ToArray();
            Assert.True(expected.SequenceEqual(actual), $"definition {i}: DuckDB [{string.Join(", ", expected)}], engine [{string.Join(", ", actual)}]\n{test.Json}");
            var members = _cut.Rows(test.FinalSql).Select(r => (Convert.ToInt32(r[0]), MonthKey.FromAbsolute(Convert.ToInt32(r[1])))).ToArray();
            var built = new List<(int, int)>();
            foreach (var patient in cohort.Patients) built.Add((patient, cohort.IndexMonth(patient)));
            Assert.Equal(members, built);
            Assert.All(members, m => Assert.True(s_period.Contains(m.Item2)));
        }
    }

    [Fact]
    public void A_period_outside_the_months_or_backwards_is_refused_and_disposing_a_view_keeps_the_dataset_open()
    {
        Assert.Contains("not a range", Assert.Throws<ClaimsException>(() => data.Dataset.Period(new MonthRange(202312, 202305))).Message);
        Assert.Contains("not a range", Assert.Throws<ClaimsException>(() => data.Dataset.Period(new MonthRange(202313, 202401))).Message);
        Assert.Equal("period 202404–202412 holds none of the dataset's months (202301–202403)",
            Assert.Throws<ClaimsException>(() => data.Dataset.Period(new MonthRange(202404, 202412))).Message);
        data.Dataset.Period(s_period).Dispose();
        var sum = data.Dataset.Period(s_period).Execute("""{"from": "receipts", "select": [{"sum": "total_points", "as": "points"}]}""");
        Assert.Equal(_cut.Scalar("SELECT sum(total_points)::BIGINT FROM receipts"), Convert.ToInt64(ArrowValues.Value(sum.Column(0), 0)));
        Assert.Throws<InvalidOperationException>(() => data.Dataset.Period(s_period).Period(s_period));
    }

    private static DuckOracle Cut(CohortFixture data)
    {
        var oracle = new DuckOracle();
        oracle.Attach(data.Dataset, data.Parquet, months: s_period);
        return oracle;
    }

    public void Dispose() => _cut.Dispose();
}
