using Claims.Engine.Privacy;
using Claims.Engine.Query;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// Attack review 23: the width of a sum's noise was itself a figure of the cell. Since review 22 it had been the most
/// one patient adds (<see cref="UnitTotals"/>), and a patient with many rows adds far more than any one row (a year of
/// claims' actual_days against a 95th percentile of 3 days per claim). The analyst builds a fresh cell in which nobody
/// adds much: one-day medical outpatient claims (claim_kind 2) of one month in a random half of the prefectures, plus
/// one known person's outpatient claims with a diagnosis over the whole year. Where the person had it, the cell's
/// scale was their total (tens of days) and sum − count swung by tens; where not, it stayed near 3 (11 of 70 found
/// with I, none without, flagged when the mean |sum − count| passed 15). Now every patient's total is clipped to the
/// column's cap and the noise is sized by the cap alone (<see cref="ContributionCap"/>), so its width is the same
/// either way. Eight fresh halves a person; flagged when the mean |sum − count| passes half as much again as the
/// noise's own mean magnitude (the Laplace width times the cap).
/// </summary>
public sealed class PatientTotalWidthTests(CheckupYearFixture fixture) : IClassFixture<CheckupYearFixture>
{
    private const int Bases = 8;

    private long Scalar(string json) => (long)(Analyst.Value(fixture.Dataset.Execute(json).Column(0), 0) ?? 0);

    [Theory]
    [InlineData("I", 1)]
    public void The_width_of_a_sum_s_noise_does_not_say_whether_one_person_s_claims_are_there(string code, int seed)
    {
        var receipts = fixture.Dataset.Schema.Tables.First(t => t.Name == "receipts");
        var cap = ContributionCap.Of(fixture.Dataset, receipts, receipts.Column("actual_days"), ReleaseUnit.Of(fixture.Dataset, receipts));
        var bound = 1.5 * MagnitudeNoise.Width * cap;
        var random = new Random(seed);
        var outpatient = """{"col": "admission_date", "isNull": true}, {"col": "dpc_code", "isNull": true}""";
        string Secret((long P, long S, long A) target) =>
            $$$$"""{"and": [{"col": "prefecture", "eq": {{{{target.P}}}}}, {"col": "sex", "eq": {{{{target.S}}}}}, {"col": "age", "eq": {{{{target.A}}}}}, {"exists": {"from": "diagnoses", "where": {"col": "icd10", "prefix": "{{{{code}}}}"}}}]}""";
        bool Has((long P, long S, long A) target) =>
            Scalar($$"""{"from": "receipts", "where": {"and": [{{outpatient}}, {{Secret(target)}}]}, "select": [{"count": "*", "as": "n"}]}""") > 0;
        var alone = Targets.WithAndWithout(Targets.Alone(fixture).OrderBy(_ => random.Next()), 150, 8, Has);
        var ledger = fixture.NewLedger(seed);
        var (with, without, flaggedWith, flaggedWithout, hidden) = (0, 0, 0, 0, 0);
        foreach (var target in alone)
        {
            var secret = Secret(target);
            var deviations = new List<double>();
            for (var b = 0; b < Bases; b++)
            {
                var half = Enumerable.Range(1, 47).Where(p => p != target.P).OrderBy(_ => random.Next()).Take(23);
                var month = 202301 + random.Next(12);
                var ones = $$"""{"and": [{"col": "prefecture", "in": [{{string.Join(", ", half)}}]}, {"col": "service_month", "eq": {{month}}}, {"col": "claim_kind", "eq": 2}, {"col": "actual_days", "eq": 1}]}""";
                var json = $$"""{"from": "receipts", "where": {"and": [{{outpatient}}, {"or": [{{ones}}, {{secret}}]}]}, "select": [{"sum": "actual_days", "as": "s"}, {"count": "*", "as": "n"}]}""";
                var result = DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(json, fixture.Dataset.Schema),
                    new DisclosureRequest("mallory", ledger, json, DisclosurePolicy.Default, long.MaxValue));
                if ((Analyst.Value(result.Batch.Column(0), 0), Analyst.Value(result.Batch.Column(1), 0)) is not ({ } sum, { } count)) { hidden++; continue; }
                deviations.Add(Math.Abs(sum - count));
            }
            var flagged = deviations.Count > 0 && deviations.Average() > bound;
            if (Has(target)) { with++; if (flagged) flaggedWith++; }
            else { without++; if (flagged) flaggedWithout++; }
        }
        var counts = $"{code}: {Bases} fresh bases a person, cap {cap}, flagged if the mean |sum - count| > {bound:F1}; with the diagnosis {with}, flagged {flaggedWith}; without {without}, flagged {flaggedWithout} (false positives); hidden {hidden}";
        Assert.True(with >= 5 && without >= 10, $"too little to find: {counts}");
        Assert.True(flaggedWith / (double)with - flaggedWithout / (double)without < 0.2, counts);
    }
}
