using Claims.Engine.Privacy;
using Claims.Engine.Query;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// Attack review 18: a figure a kept cell never showed is decided by the first near cell that asks it, by that
/// cell's own key. A pad of 10–14 patients asked with a sum alone is shown when its own patient count passes, and
/// kept without a patient count. The pad or one person with a diagnosis, asked for its patients: without the
/// diagnosis it is the pad, whose own draw showed it, so always shown; with it, one more, whose own draw made it x
/// about one time in five. x proved the diagnosis. A count in a shown cell is now never x for its draw (at least
/// the threshold), so the pad and the person are shown either way.
/// </summary>
public sealed class FirstFigureTests(RestrictedFixture fixture) : IClassFixture<RestrictedFixture>
{
    private long Truth(string where) => Targets.Truth(fixture, where);

    private static string Q(string where, string select) =>
        $$"""{"from": "receipts", "where": {{where}}, "select": [{{select}}]}""";

    private double? Ask(ReleaseLedger ledger, string json) => Targets.First(fixture, ledger, json);

    [Theory]
    [InlineData("I")]
    [InlineData("J")]
    public void A_patient_count_first_asked_of_a_shown_pad_with_one_person_more_is_shown_whether_or_not_they_have_the_diagnosis(string code)
    {
        var random = new Random(18);
        var alone = Targets.Alone(fixture).OrderBy(_ => random.Next()).ToList();
        var pads = Targets.Pads(fixture);
        var ledger = fixture.NewLedger(18);
        var (padsShown, with, without, xWith, xWithout, baseXWith, baseXWithout) = (0, 0, 0, 0, 0, 0, 0);
        var baseLedger = fixture.NewLedger(18);
        var i = 0;
        foreach (var (p, s, lo, hi, n) in pads)
        {
            var (pp, ps, pa) = alone[i++ % alone.Count];
            if (pp == p) (pp, ps, pa) = alone[i++ % alone.Count];
            if (pp == p) continue;
            var person = Targets.Person(pp, ps, pa, code);
            var has = Truth(person) > 0;
            // The attack: the pad asked with a sum only.
            if (Ask(ledger, Q(Targets.Pad(p, s, lo, hi), """{"sum": "total_points", "as": "n"}""")) is null) goto baseline;
            padsShown++;
            var x = Ask(ledger, Q($$"""{"or": [{{Targets.Pad(p, s, lo, hi)}}, {{person}}]}""", """{"countDistinct": "patient_id", "as": "n"}""")) is null;
            if (has) { with++; if (x) xWith++; } else { without++; if (x) xWithout++; }
            baseline:
            // The same pad asked with its patient count first, in a ledger of its own.
            if (Ask(baseLedger, Q(Targets.Pad(p, s, lo, hi), """{"countDistinct": "patient_id", "as": "n"}""")) is null) continue;
            var bx = Ask(baseLedger, Q($$"""{"or": [{{Targets.Pad(p, s, lo, hi)}}, {{person}}]}""", """{"countDistinct": "patient_id", "as": "n"}""")) is null;
            if (has) { if (bx) baseXWith++; } else if (bx) baseXWithout++;
        }
        var counts = $"{code}: pads {pads.Count}, shown {padsShown}; with the diagnosis {with}: x {xWith}; without {without}: x {xWithout}; asked with the count first, x with {baseXWith}, without {baseXWithout}";
        Assert.True(padsShown >= 20 && with >= 5 && without >= 5, $"too little to find: {counts}");
        Assert.True(xWith == 0 && xWithout == 0, counts);
    }
}
