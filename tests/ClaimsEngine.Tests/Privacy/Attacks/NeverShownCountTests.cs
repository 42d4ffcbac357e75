using Claims.Engine.Privacy;
using Claims.Engine.Query;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// Attack review 19: counts of one true value shared a draw, so a count a kept cell never showed, asked by the same
/// patients under another name, came out equal to the count it showed; asked by a near cell (one person more), it
/// was drawn from that cell's own true value and came out different. A pad of 10–14 patients asked for its claims,
/// then the pad or one person with a diagnosis asked for claims with a prefecture (the same rows, another name):
/// different figures proved the diagnosis (129 of 147, no false positive). A count first asked of a kept cell is
/// now the cell's own, drawn from its true value (or the count of rows it showed nearest that), whoever asks.
/// </summary>
public sealed class NeverShownCountTests(RestrictedFixture fixture) : IClassFixture<RestrictedFixture>
{
    private static string Claims(string where, string counted) =>
        $$"""{"from": "receipts", "where": {{where}}, "select": [{"count": "{{counted}}", "as": "n"}]}""";

    private double? Ask(ReleaseLedger ledger, string json) => Targets.First(fixture, ledger, json);

    private long Rows(string where) => (long)(Analyst.Value(fixture.Dataset.Execute(Claims(where, "*")).Column(0), 0) ?? 0);

    [Theory]
    [InlineData("I", false)]
    [InlineData("J", false)]
    [InlineData("I", true)]
    [InlineData("J", true)]
    public void Claims_asked_by_a_new_name_of_a_pad_with_one_person_more_or_less_say_nothing_of_a_person_with_few_claims(string code, bool personFirst)
    {
        var random = new Random(19);
        var alone = Targets.Alone(fixture).OrderBy(_ => random.Next()).ToList();
        var ledger = fixture.NewLedger(19);
        var (with, without, foundWith, foundWithout) = (0, 0, 0, 0);
        var i = 0;
        foreach (var (p, s, lo, hi, _) in Targets.Pads(fixture))
        {
            var (pp, ps, pa) = alone[i++ % alone.Count];
            if (pp == p && ps == s && pa >= lo && pa <= hi) continue;
            var person = Targets.Person(pp, ps, pa, code);
            var pad = Targets.Pad(p, s, lo, hi);
            var both = $$"""{"or": [{{pad}}, {{person}}]}""";
            // The pad asked first and then with the person, or the other way round (the person, if there, kept in the cell).
            var (first, then) = personFirst ? (both, pad) : (pad, both);
            if (Ask(ledger, Claims(first, "*")) is not { } claims) continue;
            var found = Ask(ledger, Claims(then, "prefecture")) != claims;
            if (Rows(person) == 0) { without++; if (found) foundWithout++; continue; }
            with++;
            if (found) foundWith++;
        }
        var counts = $"{code}: with the diagnosis {with}, found {foundWith}; without {without}, found {foundWithout}";
        Assert.True(with >= 5 && without >= 10, $"too little to find: {counts}");
        Assert.True(foundWith == 0 && foundWithout == 0, counts);
    }

    [Theory]
    [InlineData("I")]
    [InlineData("J")]
    public void An_average_first_asked_of_a_pad_with_one_person_more_is_the_pad_s_sum_over_its_count_either_way(string code)
    {
        // The same attack through an average: it drew its sum and count afresh, so over the pad alone it was the sum
        // and count shown before divided, and over the pad and the person, most often not.
        var random = new Random(19);
        var alone = Targets.Alone(fixture).OrderBy(_ => random.Next()).ToList();
        var ledger = fixture.NewLedger(19);
        var (asked, found) = (0, 0);
        var i = 0;
        foreach (var (p, s, lo, hi, _) in Targets.Pads(fixture))
        {
            var (pp, ps, pa) = alone[i++ % alone.Count];
            var pad = Targets.Pad(p, s, lo, hi);
            string Points(string where, string aggregate) =>
                $$"""{"from": "receipts", "where": {{where}}, "select": [{"{{aggregate}}": "total_points", "as": "n"}]}""";
            if (Ask(ledger, Points(pad, "sum")) is not { } sum || Ask(ledger, Claims(pad, "*")) is not { } claims) continue;
            var mean = Ask(ledger, Points($$"""{"or": [{{pad}}, {{Targets.Person(pp, ps, pa, code)}}]}""", "avg"));
            asked++;
            if (mean is not { } m || Math.Abs(m - sum / claims) > 1e-9 * Math.Abs(m)) found++;
        }
        Assert.True(asked >= 20, $"only {asked} pads shown");
        Assert.True(found == 0, $"{code}: {found} of {asked} averages were not the pad's sum over its claims");
    }
}
