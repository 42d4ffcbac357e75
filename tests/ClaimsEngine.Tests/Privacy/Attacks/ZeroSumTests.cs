using Claims.Engine.Privacy;
using Claims.Engine.Query;

using static Claims.Engine.Tests.Privacy.Attacks.Targets;

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
    private const int Bases = 8;

    private long Rows(string where) =>
        (long)(Analyst.Value(fixture.Dataset.Execute($$"""{"from": "checkups", "where": {{where}}, "select": [{"count": "*", "as": "n"}]}""").Column(0), 0) ?? 0);

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
        var alone = WithAndWithout(CheckupAlone(fixture).OrderBy(_ => random.Next()), 150, 8, t => Rows(Block(t, secret)) > 0);
        var ledger = fixture.NewLedger(seed);
        var (with, without, flaggedWith, flaggedWithout, hidden) = (0, 0, 0, 0, 0);
        foreach (var target in alone)
        {
            if (SumOfZerosWith(target, secret, random, ledger) is not { } sum) { hidden++; continue; }
            var flagged = sum != 0;
            if (Rows(Block(target, secret)) > 0) { with++; if (flagged) flaggedWith++; }
            else { without++; if (flagged) flaggedWithout++; }
        }
        var counts = $"{secret}: with the secret {with}, flagged {flaggedWith}; without {without}, flagged {flaggedWithout} (false positives); hidden {hidden}";
        Assert.True(with >= 5 && without >= 10, $"too little to find: {counts}");
        var (rateWith, rateWithout) = (flaggedWith / (double)with, flaggedWithout / (double)without);
        Assert.True(rateWithout >= 0.5 && Math.Abs(rateWith - rateWithout) < 0.25, counts);
    }

    /// <summary>The released sum of alcohol over a fresh base of zeros (the non-drinkers of a random half of the prefectures, never the target's) and the target's checkup where it holds the secret.</summary>
    private double? SumOfZerosWith((long P, long S, long A) target, string secret, Random random, ReleaseLedger ledger)
    {
        var half = Enumerable.Range(1, 47).Where(p => p != target.P).OrderBy(_ => random.Next()).Take(23);
        var zeros = $$"""{"and": [{"col": "prefecture", "in": [{{string.Join(", ", half)}}]}, {"col": "alcohol", "eq": 0}]}""";
        var json = $$"""{"from": "checkups", "where": {"or": [{{zeros}}, {{Block(target, secret)}}]}, "select": [{"sum": "alcohol", "as": "n"}]}""";
        var result = DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(json, fixture.Dataset.Schema),
            new DisclosureRequest("mallory", ledger, json, DisclosurePolicy.Default, long.MaxValue));
        return Analyst.Value(result.Batch.Column(0), 0);
    }

    /// <summary>
    /// Attack review 22 (the sum floor), with eight fresh bases a person. A sum's noise was max(|top contributor|, 1)
    /// times a draw in (−5.5, 5.5), so a fresh cell whose values are all 0 (non-drinkers of a random half of the prefectures) has noise of scale exactly 1: its
    /// released sum is an integer from −5 to 5, whatever the draw. Add one known person's checkup where it holds the
    /// secret, with a value of 2 (alcohol = 2, every day): the top is then 2, the sum 2 + 2 × draw, and it leaves
    /// [−5, 5] about one time in five. Each fresh half gives a fresh draw, so a few queries per person find most of them,
    /// and a sum outside [−5, 5] is proof: no false positive is possible. Now the noise is a Laplace draw whose scale is
    /// never below the column's public scale (its 95th percentile, 2 here): the cell of zeros has the same noise as with
    /// the person, unbounded, so a sum past ±5 comes about as often either way and proves nothing; what stays is the
    /// person's 2 inside noise of standard deviation about 4 per release, which the budget bounds.
    /// </summary>
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
        var alone = WithAndWithout(CheckupAlone(fixture).OrderBy(_ => random.Next()), 150, 8, t => Rows(Block(t, secret)) > 0);
        var ledger = fixture.NewLedger(seed);
        var (with, without, flaggedWith, flaggedWithout, hidden) = (0, 0, 0, 0, 0);
        foreach (var target in alone)
        {
            var flagged = false;
            for (var b = 0; b < Bases; b++)
            {
                if (SumOfZerosWith(target, secret, random, ledger) is not { } sum) { hidden++; continue; }
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
