using Claims.Engine.Privacy;
using Claims.Engine.Query;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// Attack review 21 (helper). A sum's noise is its top contributor times a draw (<see cref="MagnitudeNoise"/>), so a
/// sum whose every value is 0 has a top of 0 and is released exactly: 0. The analyst asks a fresh cell of checkups
/// whose values of a column are all 0 (non-drinkers of a random half of the prefectures: alcohol = 0), with a known
/// person's checkup added where it holds the secret: the sum of alcohol is exactly 0 unless the person's row is there
/// with a value above 0, and then it is that value times (1 + noise), 0 only when the draw is −1 and the jitter small.
/// Any figure but 0 proved the secret (117 of 137, no false positive). The thin-column rule does not help: the
/// non-drinkers have a value (0). Now a sum's noise is at least one unit of its column, so a sum of zeros is noise
/// too: "not 0" flags most cells without the secret as well, and no better than by chance apart.
/// </summary>
public sealed class ZeroSumTests(CheckupYearFixture fixture) : IClassFixture<CheckupYearFixture>
{
    private static string Block((long P, long S, long A) b, string? secret) =>
        $$"""{"and": [{"col": "prefecture", "eq": {{b.P}}}, {"col": "sex", "eq": {{b.S}}}, {"col": "age", "eq": {{b.A}}}{{(secret is null ? "" : ", " + secret)}}]}""";

    private long Rows(string where) =>
        (long)(Analyst.Value(fixture.Dataset.Execute($$"""{"from": "checkups", "where": {{where}}, "select": [{"count": "*", "as": "n"}]}""").Column(0), 0) ?? 0);

    /// <summary>People alone in their (prefecture, sex, age) block among checkups, chosen by the truth.</summary>
    private List<(long P, long S, long A)> Alone()
    {
        var batch = fixture.Dataset.Execute("""{"from": "checkups", "groupBy": ["prefecture", "sex", "age"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""");
        return Enumerable.Range(0, batch.Length).Where(i => Analyst.Value(batch.Column(3), i) == 1)
            .Select(i => ((long)Analyst.Value(batch.Column(0), i)!, (long)Analyst.Value(batch.Column(1), i)!, (long)Analyst.Value(batch.Column(2), i)!)).ToList();
    }

    [Theory]
    // Whether the person drinks at all.
    [InlineData("""{"col": "alcohol", "ge": 1}""", 1)]
    // Whether the person takes medicine for blood pressure (found where they drink, too).
    [InlineData("""{"and": [{"col": "med_bp", "eq": true}, {"col": "alcohol", "ge": 1}]}""", 2)]
    // Whether the person's HbA1c is 5.6 or more (found where they drink, too).
    [InlineData("""{"and": [{"col": "hba1c", "ge": 5.6}, {"col": "alcohol", "ge": 1}]}""", 3)]
    public void A_sum_of_zeros_is_noise_too_so_one_person_s_value_beside_them_does_not_show(string secret, int seed)
    {
        var random = new Random(seed);
        var alone = Alone().OrderBy(_ => random.Next()).Take(150).ToList();
        var ledger = fixture.NewLedger(seed);
        var (with, without, flaggedWith, flaggedWithout, hidden) = (0, 0, 0, 0, 0);
        foreach (var target in alone)
        {
            // A fresh base of zeros: the non-drinkers of a random half of the prefectures (never the target's).
            var half = Enumerable.Range(1, 47).Where(p => p != target.P).OrderBy(_ => random.Next()).Take(23);
            var zeros = $$"""{"and": [{"col": "prefecture", "in": [{{string.Join(", ", half)}}]}, {"col": "alcohol", "eq": 0}]}""";
            var json = $$"""{"from": "checkups", "where": {"or": [{{zeros}}, {{Block(target, secret)}}]}, "select": [{"sum": "alcohol", "as": "n"}]}""";
            var result = DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(json, fixture.Dataset.Schema),
                new DisclosureRequest("mallory", ledger, json, DisclosurePolicy.Default, long.MaxValue));
            if (Analyst.Value(result.Batch.Column(0), 0) is not { } sum) { hidden++; continue; }
            var flagged = sum != 0;
            if (Rows(Block(target, secret)) > 0) { with++; if (flagged) flaggedWith++; }
            else { without++; if (flagged) flaggedWithout++; }
        }
        var counts = $"{secret}: with the secret {with}, flagged {flaggedWith}; without {without}, flagged {flaggedWithout} (false positives); hidden {hidden}";
        Assert.True(with >= 5 && without >= 10, $"too little to find: {counts}");
        var (rateWith, rateWithout) = (flaggedWith / (double)with, flaggedWithout / (double)without);
        Assert.True(rateWithout >= 0.5 && Math.Abs(rateWith - rateWithout) < 0.25, counts);
    }
}
