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

    private long Truth(string where) =>
        (long)(Analyst.Value(fixture.Dataset.Execute(Patients(where)).Column(0), 0) ?? 0);

    private static string Patients(string where) =>
        $$"""{"from": "receipts", "where": {{where}}, "select": [{"countDistinct": "patient_id", "as": "n"}]}""";

    private static string Pad(long prefecture, long sex, long low, long high) =>
        $$"""{"and": [{"col": "prefecture", "eq": {{prefecture}}}, {"col": "sex", "eq": {{sex}}}, {"col": "age", "between": [{{low}}, {{high}}]}]}""";

    private static string Person(long prefecture, long sex, long age, string code) =>
        $$$$"""{"and": [{"col": "prefecture", "eq": {{{{prefecture}}}}}, {"col": "sex", "eq": {{{{sex}}}}}, {"col": "age", "eq": {{{{age}}}}}, {"exists": {"from": "diagnoses", "where": {"col": "icd10", "prefix": "{{{{code}}}}"}}}]}""";

    /// <summary>The released patient count of a query without groups, or null where it is x.</summary>
    private double? Ask(ReleaseLedger ledger, string where)
    {
        var json = Patients(where);
        var result = DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(json, fixture.Dataset.Schema),
            new DisclosureRequest(Project, ledger, json, DisclosurePolicy.Default, long.MaxValue));
        return Analyst.Value(result.Batch.Column(0), 0);
    }

    /// <summary>People alone in their (prefecture, sex, age) block: one quasi-identifier picks each out.</summary>
    private List<(long P, long S, long A)> Alone()
    {
        var people = fixture.Dataset.Execute("""{"from": "receipts", "groupBy": ["prefecture", "sex", "age"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""");
        return Enumerable.Range(0, people.Length).Where(r => Analyst.Value(people.Column(3), r) == 1)
            .Select(r => ((long)Analyst.Value(people.Column(0), r)!, (long)Analyst.Value(people.Column(1), r)!, (long)Analyst.Value(people.Column(2), r)!))
            .ToList();
    }

    /// <summary>
    /// Pads of 10 to 14 patients: within each prefecture and sex, consecutive age windows grown until they hold 10,
    /// disjoint, so two pads are at least 20 patients apart and never near each other.
    /// </summary>
    private List<(long P, long S, long Low, long High, long N)> Pads()
    {
        var blocks = fixture.Dataset.Execute("""{"from": "receipts", "groupBy": ["prefecture", "sex", "age"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""");
        var pads = new List<(long, long, long, long, long)>();
        foreach (var block in Enumerable.Range(0, blocks.Length)
                     .Select(r => (P: (long)Analyst.Value(blocks.Column(0), r)!, S: (long)Analyst.Value(blocks.Column(1), r)!, A: (long)Analyst.Value(blocks.Column(2), r)!))
                     .GroupBy(b => (b.P, b.S)))
        {
            var ages = block.Select(b => b.A).Order().ToList();
            var low = -1L;
            foreach (var age in ages)
            {
                if (low < 0) low = age;
                var n = Truth(Pad(block.Key.P, block.Key.S, low, age));
                if (n < 10) continue;
                if (n <= 14) pads.Add((block.Key.P, block.Key.S, low, age, n));
                low = -1;
            }
        }
        return pads;
    }

    [Fact]
    public void A_cell_near_a_shown_pad_is_shown_whether_or_not_the_person_added_has_the_diagnosis()
    {
        var ledger = fixture.NewLedger(17);
        var people = Alone();
        var (trials, withIt, shownPads, hiddenByOwnKey) = (0, 0, 0, 0);
        var failures = new List<string>();
        var witnessed = new Dictionary<(int, int), bool>();
        var pads = Pads();
        for (var i = 0; i < pads.Count; i++)
        {
            var (p, s, low, high, n) = pads[i];
            var pad = Pad(p, s, low, high);
            if (Ask(ledger, pad) is null) continue;
            shownPads++;
            // Three people per pad, never of the pad's prefecture (so P or the person is P, or P and one more).
            var chosen = Enumerable.Range(0, people.Count).Select(j => (i * 37 + j * 11) % people.Count).Where(j => people[j].P != p).Distinct().Take(3);
            foreach (var j in chosen)
            {
                var (tp, ts, ta) = people[j];
                foreach (var code in s_codes)
                {
                    var person = Person(tp, ts, ta, code);
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
        foreach (var (p, s, low, high, n) in Pads())
        {
            if (Ask(ledger, Pad(p, s, low, high)) is null) continue;
            shownPads++;
            // Narrower windows of the shown pad holding 1 to 9 of its patients, fewer than 10 from it: always near.
            for (var h = low; h < high; h++)
            {
                var part = Pad(p, s, low, h);
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
