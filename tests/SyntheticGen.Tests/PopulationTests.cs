using Claims.Engine.Query;
using Claims.Engine.Storage;

namespace Claims.SyntheticGen.Tests;

/// <summary>The population table against the truth: every person alive in a month is counted once, in the right cell.</summary>
[Collection(GeneratedDatasetCollection.Name)]
public class PopulationTests(GeneratedDataset data)
{
    [Fact]
    public void Persons_by_month_prefecture_sex_and_age_are_the_persons_alive_then()
    {
        var differing = data.Scalar($"""
            WITH truth AS (SELECT month, prefecture, sex, age, count(*) AS persons FROM ({GeneratedDataset.Lived}) GROUP BY ALL),
                 tabled AS (SELECT month, prefecture, sex, age, sum(persons) AS persons FROM population GROUP BY ALL)
            SELECT count(*) FROM truth FULL JOIN tabled USING (month, prefecture, sex, age)
            WHERE truth.persons IS DISTINCT FROM tabled.persons
            """);
        Assert.Equal(0, differing);
        Assert.Equal(12, data.Scalar("SELECT count(DISTINCT month) FROM population"));
        Assert.True(data.Scalar("SELECT sum(persons)::BIGINT FROM population WHERE month = 202304") >= GeneratedDataset.Persons);
        Assert.Equal(0, data.Scalar("SELECT count(*) FROM population WHERE persons < 1"));
    }

    /// <summary>Everyone 75 or older is in 後期高齢者医療 (insurer kind 6), and a receipt's insurer is one its person's cell names that month.</summary>
    [Fact]
    public void Insurer_kinds_agree_with_the_receipts()
    {
        Assert.Equal(0, data.Scalar("SELECT count(*) FROM population WHERE age >= 75 AND insurer_kind <> 6"));
        var unmatched = data.Scalar("""
            SELECT count(*) FROM receipts r
            JOIN truth_receipts t USING (receipt_id) JOIN truth_persons p ON p.person_id = t.person_id
            WHERE NOT EXISTS (SELECT 1 FROM population c WHERE c.month = r.service_month AND c.prefecture = p.prefecture
                                AND c.sex = r.sex AND c.age = r.age AND c.insurer_kind = r.insurer_kind)
            """);
        Assert.Equal(0, unmatched);
    }

    /// <summary>Per-capita figures by the engine: persons by prefecture from the table equal the truth's, through the query path.</summary>
    [Fact]
    public void The_engine_queries_the_population_as_any_table()
    {
        using var dataset = Dataset.Open(data.Directory);
        var result = dataset.Execute("""
            {"from": "population", "where": {"col": "month", "eq": 202310}, "groupBy": ["prefecture", "age_band"],
             "select": [{"sum": "persons", "as": "persons"}]}
            """);
        long Value(int column, int row) => Convert.ToInt64(ArrowValues.Value(result.Column(column), row));
        var tokyoOld = Enumerable.Range(0, result.Length).Where(r => Value(0, r) == 13 && Value(1, r) == 80).Sum(r => Value(2, r));
        Assert.True(tokyoOld > 0);
        Assert.Equal(data.Scalar($"SELECT count(*) FROM ({GeneratedDataset.Lived}) WHERE month = 202310 AND prefecture = 13 AND age BETWEEN 80 AND 84"), tokyoOld);
    }
}
