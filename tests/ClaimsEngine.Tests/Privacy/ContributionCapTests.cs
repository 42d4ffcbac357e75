using Claims.Engine.Privacy;
using Claims.Testing;

namespace Claims.Engine.Tests.Privacy;

/// <summary>
/// A column's cap against its documented meaning, worked out by DuckDB over the Parquet export: on a table small
/// enough to read every patient, the 99th percentile (the value at rank ⌊0.99 n⌋ of n, from 0, in order of
/// magnitude) of the patients' totals of the column.
/// </summary>
public class ContributionCapTests(RestrictedFixture fixture) : IClassFixture<RestrictedFixture>
{
    [Theory]
    [InlineData("receipts", "total_points")]
    [InlineData("receipts", "actual_days")]
    [InlineData("procedures", "points")]
    public void The_cap_is_the_99th_percentile_of_the_patients_totals(string tableName, string columnName)
    {
        using var temp = new TempDirectory();
        using var duck = new DuckOracle();
        duck.Load(fixture.Dataset, temp.Combine("parquet"));
        var totals = duck.Rows($"SELECT CAST(abs(sum({columnName})) AS DOUBLE) FROM {tableName} WHERE patient_id IS NOT NULL AND {columnName} IS NOT NULL GROUP BY patient_id ORDER BY 1")
            .Select(r => Convert.ToDouble(r[0])).ToArray();
        Assert.True(totals.Length > 500, $"{totals.Length} patients");
        var expected = Math.Max(1, totals[(int)Math.Floor(0.99 * totals.Length)]);

        var table = fixture.Dataset.Schema.Tables.First(t => t.Name == tableName);
        var cap = ContributionCap.Of(fixture.Dataset, table, table.Column(columnName), ReleaseUnit.Of(fixture.Dataset, table));

        Assert.Equal(expected, cap);
        // Not the largest total, nor a middling one: a high percentile, which a few heavy patients pass.
        Assert.True(cap < totals[^1] && cap > totals[totals.Length / 2], $"cap {cap}, median {totals[totals.Length / 2]}, largest {totals[^1]}");
    }
}
