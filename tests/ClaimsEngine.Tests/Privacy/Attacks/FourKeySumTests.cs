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
/// (12 of 38 with I found, none without). Now a sum or average grouped by four columns is refused, and grouped by
/// three every patient's total is clipped to the column's cap, which alone sizes the noise (<see cref="ContributionCap"/>).
/// Sixteen fresh halves a person (32 figures), averaged, and flagged above three standard deviations (the review
/// found 11 of 38 with I so, none of 112).
/// </summary>
public sealed class FourKeySumTests(CheckupYearFixture fixture) : IClassFixture<CheckupYearFixture>
{
    private const int Bases = 16;

    private long Scalar(string json) => (long)(Analyst.Value(fixture.Dataset.Execute(json).Column(0), 0) ?? 0);

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

    [Theory]
    [InlineData("I", 1)]
    public void A_sum_grouped_by_three_columns_does_not_say_whether_one_person_s_many_claims_are_there(string code, int seed)
    {
        var receipts = fixture.Dataset.Schema.Tables.First(t => t.Name == "receipts");
        var cap = ContributionCap.Of(fixture.Dataset, receipts, receipts.Column("actual_days"), ReleaseUnit.Of(fixture.Dataset, receipts));
        // Per query: Laplace of b = 1.4 × cap on the sum, the count table's noise on the count.
        var spread = Math.Sqrt(2 * Math.Pow(MagnitudeNoise.Width * cap, 2) + PerturbationTable.Variance);
        var bound = 3 * spread / Math.Sqrt(Bases);
        var random = new Random(seed);
        var alone = Targets.Alone(fixture).OrderBy(_ => random.Next()).Take(150).ToList();
        var ledger = fixture.NewLedger(seed);
        var (with, without, flaggedWith, flaggedWithout) = (0, 0, 0, 0);
        foreach (var target in alone)
        {
            var outpatient = """{"col": "admission_date", "isNull": true}, {"col": "dpc_code", "isNull": true}""";
            var secret = $$$$"""{"and": [{"col": "prefecture", "eq": {{{{target.P}}}}}, {"col": "age", "eq": {{{{target.A}}}}}, {"col": "actual_days", "between": [2, 3]}, {"exists": {"from": "diagnoses", "where": {"col": "icd10", "prefix": "{{{{code}}}}"}}}]}""";
            var diffs = new List<double>();
            for (var b = 0; b < Bases; b++)
            {
                var half = Enumerable.Range(1, 47).Where(p => p != target.P).OrderBy(_ => random.Next()).Take(23);
                var ones = $$"""{"and": [{"col": "prefecture", "in": [{{string.Join(", ", half)}}]}, {"col": "actual_days", "eq": 1}]}""";
                var where = $$"""{"and": [{"col": "sex", "eq": {{target.S}}}, {{outpatient}}, {"or": [{{ones}}, {{secret}}]}]}""";
                var json = $$"""{"from": "receipts", "where": {{where}}, "groupBy": ["year", "sex", "admission_date"], "select": [{"sum": "actual_days", "as": "s"}, {"count": "*", "as": "n"}]}""";
                var result = DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(json, fixture.Dataset.Schema),
                    new DisclosureRequest("mallory", ledger, json, DisclosurePolicy.Default, long.MaxValue));
                if (result.Batch.Length != 1) continue;
                if ((Analyst.Value(result.Batch.Column(3), 0), Analyst.Value(result.Batch.Column(4), 0)) is not ({ } sum, { } count)) continue;
                diffs.Add(sum - count);
            }
            var has = Scalar($$"""{"from": "receipts", "where": {"and": [{"col": "sex", "eq": {{target.S}}}, {{outpatient}}, {{secret}}]}, "select": [{"count": "*", "as": "n"}]}""") > 0;
            var flagged = diffs.Count > 0 && diffs.Average() > bound;
            if (has) { with++; if (flagged) flaggedWith++; }
            else { without++; if (flagged) flaggedWithout++; }
        }
        var counts = $"{code}: cap {cap}, bound {bound:F1}; with the diagnosis {with}, flagged {flaggedWith}; without {without}, flagged {flaggedWithout}";
        Assert.True(with >= 5 && without >= 10, $"too little to find: {counts}");
        Assert.True(flaggedWith / (double)with - flaggedWithout / (double)without < 0.2, counts);
    }
}
