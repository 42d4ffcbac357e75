using Claims.Engine.Privacy;
using Claims.Engine.Query;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// helper-16's third attack (C): whether a thin column's figure is x is decided by the patients with a value alone,
/// keyed by them, and that decision never went through the project's history: only the group was a cell. So the
/// analyst can wrap one set of contributors in fresh groups far from everything asked (other prefectures' claims
/// without an admission add no contributor), grow a pad of admitted patients until `count admission_date` first
/// shows, and then ask the last hidden pad with one quasi-identified person's admissions: the same contributors
/// give the same x, and one more gets a verdict of its own, so "shown" proves that the person was admitted. The
/// contributors are a cell of the project's history too: a set near one decided before gets that verdict, and one
/// a few from a chain past its seed's reach continues it, so a pad grown a few patients at a time stays x, and
/// wherever a last hidden pad is found, it stays x with the person whether or not they were admitted, however it
/// is wrapped.
/// </summary>
public sealed class ThinColumnHistoryTests(RestrictedFixture fixture) : IClassFixture<RestrictedFixture>
{
    private const string Project = "mallory";
    private const int Wrappings = 5;

    private long Truth(string where) =>
        (long)(Analyst.Value(fixture.Dataset.Execute($$"""{"from": "receipts", "where": {{where}}, "select": [{"countDistinct": "patient_id", "as": "n"}]}""").Column(0), 0) ?? 0);

    private static string Admitted(string where) => $$"""{"and": [{{where}}, {"col": "admission_date", "isNull": false}]}""";

    [Fact]
    public void The_last_hidden_pad_with_one_person_stays_hidden_whether_or_not_they_were_admitted()
    {
        var random = new Random(16);
        var prefectures = fixture.Dataset.Execute("""{"from": "receipts", "groupBy": ["prefecture"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""");
        var large = Enumerable.Range(0, prefectures.Length).OrderByDescending(r => Analyst.Value(prefectures.Column(1), r))
            .Select(r => (long)Analyst.Value(prefectures.Column(0), r)!).ToList();
        var people = fixture.Dataset.Execute("""{"from": "receipts", "groupBy": ["prefecture", "sex", "age"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""");
        var alone = Enumerable.Range(0, people.Length).Where(r => Analyst.Value(people.Column(3), r) == 1)
            .Select(r => (P: (long)Analyst.Value(people.Column(0), r)!, S: (long)Analyst.Value(people.Column(1), r)!, A: (long)Analyst.Value(people.Column(2), r)!))
            .Select(x => (x.P, x.S, x.A, Where: $$"""{"and": [{"col": "prefecture", "eq": {{x.P}}}, {"col": "sex", "eq": {{x.S}}}, {"col": "age", "eq": {{x.A}}}]}"""))
            .OrderBy(_ => random.Next()).ToList();
        // Targets picked by the truth so that both answers are tried: people who were admitted and people who were not.
        var admitted = alone.Where(x => Truth(Admitted(x.Where)) > 0).Take(12).ToList();
        var targets = admitted.Concat(alone.Where(x => !admitted.Contains(x)).Take(6)).ToList();

        // A fresh group around the contributors: nine large prefectures (never the target's), their claims without an
        // admission, so the group is far from every group asked before and adds no patient with a value.
        var ledger = fixture.NewLedger(16);
        bool ShownOnce(string contributors, long exclude)
        {
            var chosen = large.Where(x => x != exclude).Take(24).OrderBy(_ => random.Next()).Take(9);
            var wrapped = $$"""{"and": [{"col": "prefecture", "in": [{{string.Join(", ", chosen)}}]}, {"col": "admission_date", "isNull": true}]}""";
            var json = $$"""{"from": "receipts", "where": {"or": [{{wrapped}}, {{contributors}}]}, "select": [{"count": "admission_date", "as": "n"}]}""";
            var result = DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(json, fixture.Dataset.Schema),
                new DisclosureRequest(Project, ledger, json, DisclosurePolicy.Default, long.MaxValue));
            return Analyst.Value(result.Batch.Column(0), 0) is not null;
        }
        // The figure is also the admissions' own count under the group's key, so a set counts as hidden only when no
        // wrapping shows it.
        int ShownIn(string contributors, long exclude) => Enumerable.Range(0, Wrappings).Count(_ => ShownOnce(contributors, exclude));

        var (finals, finalsAdmitted, leaks) = (0, 0, new List<string>());
        var (noFlip, noLast, lastShown) = (0, 0, 0);
        foreach (var (p, s, a, where) in targets)
        {
            var wasAdmitted = Truth(Admitted(where)) > 0;
            for (var family = 0; family < 2; family++)
            {
                // Each family of pads in a history of its own (a fresh project ledger, its own secret), so that one
                // family's cells never decide another's: admissions are few in the fixture and pads overlap.
                ledger = fixture.NewLedger(1_000 + finals + noFlip + noLast + lastShown);
                // A pad of admitted patients elsewhere: ages from low, the top age growing until it shows.
                var low = random.Next(0, 50);
                string Pad(int high) => Admitted($$"""{"and": [{"col": "prefecture", "ne": {{p}}}, {"col": "age", "between": [{{low}}, {{high}}]}]}""");
                var (last, lastCount, first) = (-1, -1L, -1);
                for (var high = low; high < 110; high++)
                {
                    // An age that adds nobody gives the same contributors again: the analyst may skip it.
                    var count = Truth(Pad(high));
                    if (count == lastCount || count == 0) continue;
                    if (ShownOnce(Pad(high), p)) { first = high; break; }
                    (last, lastCount) = (high, count);
                }
                if (first < 0) { noFlip++; continue; }
                if (last < 0) { noLast++; continue; }
                if (ShownIn(Pad(last), p) > 0) { lastShown++; continue; }
                finals++;
                if (wasAdmitted) finalsAdmitted++;
                var shown = ShownIn($$"""{"or": [{{Pad(last)}}, {{Admitted(where)}}]}""", p);
                if (shown > 0)
                    leaks.Add($"pad ({low}–{last}) of {lastCount} hidden, with person ({p}, {s}, {a}) shown in {shown} of {Wrappings} wrappings; admitted: {wasAdmitted}");
            }
        }
        Assert.True(finals + noFlip >= 20 && targets.Count(t => Truth(Admitted(t.Where)) > 0) >= 10,
            $"{finals} last hidden pads asked with a person, {finalsAdmitted} of them admitted ({noFlip} families never shown, {noLast} shown at once, {lastShown} whose last hidden pad showed again): the attack had too little to find");
        Assert.True(leaks.Count == 0, $"{leaks.Count} of {finals} last hidden pads were shown with the person added ({finalsAdmitted} admitted); first: " + string.Join("; ", leaks.Take(5)));
    }
}
