using Claims.Engine.Privacy;
using Claims.Engine.Query;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// helper-17's first attack: a cell near one shown before, but hidden by its own perturbation, was hidden. The
/// analyst finds a pad P of 10 to 14 patients (one prefecture, one sex, an age window) that is shown, then asks
/// P or (one quasi-identified person with a diagnosis). Without the diagnosis that is P's very patients and gets P's
/// answer; with it, it is P and one more, whose own key hides it about one time in five at 11, so an x proves the
/// diagnosis and is never wrong. Near cells exist so that cells a few apart answer alike; letting the asking
/// cell's own key hide it undoes exactly that. So a cell of at least the threshold that lands near an earlier cell
/// follows that cell's verdict, x or shown; a cell under the threshold stays x wherever it lands (a row or a figure
/// would then say that somebody is in it).
/// </summary>
public sealed class NearShownCellTests(RestrictedFixture fixture) : IClassFixture<RestrictedFixture>
{
    private const string Project = "mallory";
    private static readonly string[] s_codes = ["E11", "I", "J"];

    private long Truth(string where) => Targets.Truth(fixture, where);

    /// <summary>The released patient count of a query without groups, or null where it is x.</summary>
    private double? Ask(ReleaseLedger ledger, string where)
    {
        var json = Targets.Patients(where);
        var result = DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(json, fixture.Dataset.Schema),
            new DisclosureRequest(Project, ledger, json, DisclosurePolicy.Default, long.MaxValue));
        return Analyst.Value(result.Batch.Column(0), 0);
    }

    [Fact]
    public void A_cell_near_a_shown_pad_is_shown_whether_or_not_the_person_added_has_the_diagnosis()
    {
        var ledger = fixture.NewLedger(17);
        var people = Targets.Alone(fixture);
        var (trials, withIt, shownPads, hiddenByOwnKey) = (0, 0, 0, 0);
        var failures = new List<string>();
        var witnessed = new Dictionary<(int, int), bool>();
        var pads = Targets.Pads(fixture);
        for (var i = 0; i < pads.Count; i++)
        {
            var (p, s, low, high, n) = pads[i];
            var pad = Targets.Pad(p, s, low, high);
            if (Ask(ledger, pad) is null) continue;
            shownPads++;
            // Three people per pad, never of the pad's prefecture (so P or the person is P, or P and one more).
            var chosen = Enumerable.Range(0, people.Count).Select(j => (i * 37 + j * 11) % people.Count).Where(j => people[j].P != p).Distinct().Take(3);
            foreach (var j in chosen)
            {
                var (tp, ts, ta) = people[j];
                foreach (var code in s_codes)
                {
                    var person = Targets.Person(tp, ts, ta, code);
                    var has = Truth(person) > 0;
                    var asked = $$"""{"or": [{{pad}}, {{person}}]}""";
                    var figure = Ask(ledger, asked);
                    trials++;
                    if (has)
                    {
                        withIt++;
                        // What its own key alone says (asked first, in a fresh ledger of the same secret): the
                        // verdict that hid it before the fix, so the test shows the attack had something to find.
                        if (!witnessed.TryGetValue((i, j), out var ownHidden))
                        {
                            var witness = fixture.NewLedger(17);
                            witnessed[(i, j)] = ownHidden = Ask(witness, asked) is null;
                        }
                        if (ownHidden) hiddenByOwnKey++;
                    }
                    if (figure is null) failures.Add($"pad ({p}, {s}, {low}–{high}) of {n} shown, then x with person ({tp}, {ts}, {ta}), who has {code}: {has}");
                }
            }
        }
        Assert.True(shownPads >= 25 && trials >= 250 && withIt >= 60 && hiddenByOwnKey >= 5,
            $"{shownPads} pads shown, {trials} trials, {withIt} with the diagnosis, {hiddenByOwnKey} hidden by their own key: the attack had too little to find");
        Assert.True(failures.Count == 0,
            $"{failures.Count} of {trials} cells near a shown pad were x ({withIt} trials with the diagnosis, {hiddenByOwnKey} of them hidden by their own key); first: "
            + string.Join("; ", failures.Take(5)));
    }

    [Fact]
    public void A_cell_under_the_threshold_near_a_shown_pad_stays_hidden()
    {
        var ledger = fixture.NewLedger(18);
        var (shownPads, small) = (0, 0);
        foreach (var (p, s, low, high, n) in Targets.Pads(fixture))
        {
            if (Ask(ledger, Targets.Pad(p, s, low, high)) is null) continue;
            shownPads++;
            // Narrower windows of the shown pad holding 1 to 9 of its patients, fewer than 10 from it: always near.
            for (var h = low; h < high; h++)
            {
                var part = Targets.Pad(p, s, low, h);
                var m = Truth(part);
                if (m is < 1 or > 9 || n - m >= 10) continue;
                small++;
                var figure = Ask(ledger, part);
                Assert.True(figure is null, $"a cell of {m} patients ({p}, {s}, {low}–{h}) near a shown pad of {n} was shown as {figure}");
            }
        }
        Assert.True(shownPads >= 25 && small >= 100, $"{shownPads} pads shown, {small} small cells near them: too little to test");
    }
}
