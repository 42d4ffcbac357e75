using Claims.Engine.Privacy;
using Claims.Engine.Query;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// Attack review 23: a query grouped by four columns skipped the per-patient scan (<see cref="UnitTotals"/>), so its
/// sums' noise fell back to the largest single row or the column's 95th percentile. That was review 22's row-top
/// attack (<see cref="RowTopTests"/>) again, with the grouping padded to four keys that are constant over the
/// selection: year (one calendar year of data), sex (fixed by the where), admission_date and dpc_code (both null:
/// outpatient claims only). The cell is a random half of the prefectures' one-day outpatient claims of the target's
/// sex, plus one known person's outpatient claims with a diagnosis, each of 2 or 3 days so that no row passed that
/// percentile: the person added every extra day of all their claims to sum − count under noise sized by one row
/// (12 of 38 with I found, none without, 32 figures a person). Now a sum or average grouped by four columns is
/// refused; grouped by three, every patient's total is clipped to the column's cap, which alone sizes the noise
/// (<see cref="ContributionCap"/>), as <see cref="RowTopTests"/> and <see cref="PatientTotalWidthTests"/> attack.
/// </summary>
public sealed class FourKeySumTests(CheckupYearFixture fixture) : IClassFixture<CheckupYearFixture>
{
    [Fact]
    public void A_sum_or_average_grouped_by_four_columns_is_refused_with_what_to_ask_instead()
    {
        foreach (var aggregate in new[] { "sum", "avg" })
        {
            var json = $$"""{"from": "receipts", "groupBy": ["year", "sex", "admission_date", "dpc_code"], "select": [{"{{aggregate}}": "actual_days", "as": "s"}]}""";
            var error = Assert.Throws<QueryException>(() => DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(json, fixture.Dataset.Schema),
                new DisclosureRequest("mallory", fixture.NewLedger(), json, DisclosurePolicy.Default, long.MaxValue)));
            Assert.Equal("groupBy", error.Path);
            Assert.Contains("at most three columns", error.Message);
        }
        // Counts keep all four.
        var counts = """{"from": "receipts", "groupBy": ["year", "sex", "admission_date", "dpc_code"], "select": [{"count": "*", "as": "n"}]}""";
        var released = DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(counts, fixture.Dataset.Schema),
            new DisclosureRequest("mallory", fixture.NewLedger(), counts, DisclosurePolicy.Default, long.MaxValue));
        Assert.True(released.Batch.Length > 0);
    }
}
