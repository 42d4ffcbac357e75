using Claims.Engine.Privacy;
using Claims.Engine.Query;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// helper-17's third attack, beyond its brief: the edge of the alias chain. A cell that borrowed is followed only
/// while within 14 of the cell it borrowed from. The analyst seeds a history with a pad of one or two patients (x,
/// kept), and grows it one age at a time: every pad lands on the seed's chain and is x, until one is 15 or more from
/// the seed, lands nowhere and is shown. The last x pad is then often exactly 14 from the seed; that pad with one
/// quasi-identified person who has a diagnosis is 15 from it, falls off the chain and lands on the first shown pad
/// a patient or two away, while the pad without them is the pad asked before and stays x. "Shown" proves the
/// diagnosis, never wrongly. A cell a few from the chain past the seed's reach now continues it (x, kept), so a pad
/// grown a few patients at a time stays x and the analyst finds no edge; wherever one is found, the last x pad with
/// the person must stay x.
/// </summary>
public sealed class NearnessEdgeTests(RestrictedFixture fixture) : IClassFixture<RestrictedFixture>
{
    private long Truth(string where) =>
        (long)(Analyst.Value(fixture.Dataset.Execute(Patients(where)).Column(0), 0) ?? 0);

    private static string Patients(string where) =>
        $$"""{"from": "receipts", "where": {{where}}, "select": [{"countDistinct": "patient_id", "as": "n"}]}""";

    private double? Ask(ReleaseLedger ledger, string where)
    {
        var json = Patients(where);
        var result = DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(json, fixture.Dataset.Schema),
            new DisclosureRequest("mallory", ledger, json, DisclosurePolicy.Default, long.MaxValue));
        return Analyst.Value(result.Batch.Column(0), 0);
    }

    [Fact]
    public void The_last_hidden_pad_grown_from_a_seed_stays_hidden_with_one_person_added()
    {
        var random = new Random(19);
        var people = fixture.Dataset.Execute("""{"from": "receipts", "groupBy": ["prefecture", "sex", "age"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""");
        var alone = Enumerable.Range(0, people.Length).Where(r => Analyst.Value(people.Column(3), r) == 1)
            .Select(r => ((long)Analyst.Value(people.Column(0), r)!, (long)Analyst.Value(people.Column(1), r)!, (long)Analyst.Value(people.Column(2), r)!))
            .OrderBy(_ => random.Next()).ToList();
        var (tried, triedWithIt, finals, withIt, leaks) = (0, 0, 0, 0, new List<string>());
        foreach (var (p, s, a) in alone.Take(90))
        {
            var person = $$$$"""{"and": [{"col": "prefecture", "eq": {{{{p}}}}}, {"col": "sex", "eq": {{{{s}}}}}, {"col": "age", "eq": {{{{a}}}}}, {"exists": {"from": "diagnoses", "where": {"col": "icd10", "prefix": "I"}}}]}""";
            var has = Truth(person) > 0;
            // A history of its own per person (a fresh ledger, its own secret): seeds of one patient are near each other.
            var ledger = fixture.NewLedger(2_000 + finals);
            var q = random.Next(1, 48);
            if (q == p) continue;
            tried++;
            if (has) triedWithIt++;
            string Pad(int high) => $$"""{"and": [{"col": "prefecture", "eq": {{q}}}, {"col": "age", "between": [0, {{high}}]}]}""";
            var (last, lastCount, shown) = (-1, 0L, false);
            for (var high = 0; high < 110; high++)
            {
                var count = Truth(Pad(high));
                if (count == lastCount) continue;
                if (Ask(ledger, Pad(high)) is not null) { shown = true; break; }
                (last, lastCount) = (high, count);
            }
            if (!shown || last < 0) continue;
            finals++;
            if (has) withIt++;
            if (Ask(ledger, $$"""{"or": [{{Pad(last)}}, {{person}}]}""") is { } figure)
                leaks.Add($"pad (prefecture {q}, 0–{last}) of {lastCount} x, with person ({p}, {s}, {a}) shown as {figure}; has I: {has}");
        }
        Assert.True(tried >= 60 && triedWithIt >= 5, $"{tried} people tried, {triedWithIt} with I: too little to find");
        Assert.True(leaks.Count == 0, $"{leaks.Count} of {finals} last hidden pads were shown with the person added (of {tried} pads grown; {withIt} with I, {leaks.Count(l => l.EndsWith("False"))} shown without it); first: " + string.Join("; ", leaks.Take(5)));
    }
}
