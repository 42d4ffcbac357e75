using Claims.Engine.Privacy;
using Claims.Engine.Query;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// Attack review 22: the sum floor. A sum's noise is max(|top contributor|, 1) times a draw in (−5.5, 5.5), so a fresh
/// cell whose values are all 0 (non-drinkers of a random half of the prefectures) has noise of scale exactly 1: its
/// released sum is an integer from −5 to 5, whatever the draw. Add one known person's checkup where it holds the
/// secret, with a value of 2 (alcohol = 2, every day): the top is then 2, the sum 2 + 2 × draw, and it leaves
/// [−5, 5] about one time in five. Each fresh half gives a fresh draw, so a few queries per person find most of them,
/// and a sum outside [−5, 5] is proof: no false positive is possible. Now the noise is a Laplace draw whose scale is
/// never below the column's public scale (its 95th percentile, 2 here): the cell of zeros has the same noise as with
/// the person, unbounded, so a sum past ±5 comes about as often either way and proves nothing; what stays is the
/// person's 2 inside noise of standard deviation about 4 per release, which the budget bounds.
/// </summary>
public sealed class SumScaleTests(CheckupYearFixture fixture) : IClassFixture<CheckupYearFixture>
{
    private const int Bases = 8;

    private static string Block((long P, long S, long A) b, string? secret) =>
        $$"""{"and": [{"col": "prefecture", "eq": {{b.P}}}, {"col": "sex", "eq": {{b.S}}}, {"col": "age", "eq": {{b.A}}}{{(secret is null ? "" : ", " + secret)}}]}""";

    private long Rows(string where) =>
        (long)(Analyst.Value(fixture.Dataset.Execute($$"""{"from": "checkups", "where": {{where}}, "select": [{"count": "*", "as": "n"}]}""").Column(0), 0) ?? 0);

    private List<(long P, long S, long A)> Alone()
    {
        var batch = fixture.Dataset.Execute("""{"from": "checkups", "groupBy": ["prefecture", "sex", "age"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""");
        return Enumerable.Range(0, batch.Length).Where(i => Analyst.Value(batch.Column(3), i) == 1)
            .Select(i => ((long)Analyst.Value(batch.Column(0), i)!, (long)Analyst.Value(batch.Column(1), i)!, (long)Analyst.Value(batch.Column(2), i)!)).ToList();
    }

    [Theory]
    // Whether the person drinks every day.
    [InlineData("""{"col": "alcohol", "eq": 2}""", 1)]
    // Whether the person takes medicine for blood pressure (found where they drink every day).
    [InlineData("""{"and": [{"col": "med_bp", "eq": true}, {"col": "alcohol", "eq": 2}]}""", 2)]
    // Whether the person smokes (found where they drink every day).
    [InlineData("""{"and": [{"col": "smoking", "eq": true}, {"col": "alcohol", "eq": 2}]}""", 3)]
    public void The_scale_of_a_sum_s_noise_does_not_say_whether_a_larger_value_is_there(string secret, int seed)
    {
        var random = new Random(seed);
        var alone = Alone().OrderBy(_ => random.Next()).Take(150).ToList();
        var ledger = fixture.NewLedger(seed);
        var (with, without, flaggedWith, flaggedWithout, hidden) = (0, 0, 0, 0, 0);
        foreach (var target in alone)
        {
            var flagged = false;
            for (var b = 0; b < Bases; b++)
            {
                var half = Enumerable.Range(1, 47).Where(p => p != target.P).OrderBy(_ => random.Next()).Take(23);
                var zeros = $$"""{"and": [{"col": "prefecture", "in": [{{string.Join(", ", half)}}]}, {"col": "alcohol", "eq": 0}]}""";
                var json = $$"""{"from": "checkups", "where": {"or": [{{zeros}}, {{Block(target, secret)}}]}, "select": [{"sum": "alcohol", "as": "n"}]}""";
                var result = DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(json, fixture.Dataset.Schema),
                    new DisclosureRequest("mallory", ledger, json, DisclosurePolicy.Default, long.MaxValue));
                if (Analyst.Value(result.Batch.Column(0), 0) is not { } sum) { hidden++; continue; }
                // Scale 1: |sum| ≤ 5 always. Anything past it needs a value of 2 or more in the cell.
                if (Math.Abs(sum) > 5) flagged = true;
            }
            if (Rows(Block(target, secret)) > 0) { with++; if (flagged) flaggedWith++; }
            else { without++; if (flagged) flaggedWithout++; }
        }
        var counts = $"{secret}: {Bases} fresh bases a person; with the secret {with}, flagged {flaggedWith}; without {without}, flagged {flaggedWithout} (false positives); hidden {hidden}";
        Assert.True(with >= 5 && without >= 10, $"too little to find: {counts}");
        Assert.True(flaggedWith / (double)with - flaggedWithout / (double)without < 0.2, counts);
    }
}
