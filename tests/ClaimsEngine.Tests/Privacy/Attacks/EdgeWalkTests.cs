using Claims.Engine.Privacy;
using Claims.Engine.Query;

using static Claims.Engine.Tests.Privacy.Attacks.Targets;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// Attack review 20. A count of rows first asked of a cell kept by an earlier release was the count the cell showed
/// nearest the asker's own count, within the reach of nearness, so where the asker's count left the reach the
/// answer changed. On checkups, whose 24 never-empty columns are 24 names for the count of checkups, each new to a
/// cell once, an analyst walked a kept pad's aliases up one known person at a time until the answer changed, which
/// gave the pad's exact count; then asked for the pad, as many of those people as put the count on the edge, and a
/// target with a secret value: the answer said whether the target had it (190 of 190, no false positive). A count
/// first asked of a kept cell is now the cell's own, drawn from its truth under its key, whoever asks.
/// </summary>
public sealed class EdgeWalkTests(CheckupYearFixture fixture) : IClassFixture<CheckupYearFixture>
{
    // The attacker learns which columns are never empty from large cells, where their counts equal the count of checkups.
    private static readonly string[] Names =
    [
        "insurer_kind", "height", "weight", "bmi", "waist", "sbp", "dbp", "hba1c", "tg", "hdl", "ldl", "ast", "alt",
        "ggt", "egfr", "urine_glucose", "urine_protein", "med_bp", "med_glucose", "med_lipid", "smoking",
        "weight_gain_10kg", "exercise_habit", "alcohol",
    ];

    private const int Helpers = 14;

    // Of those, the ones no checkup lacks: a count of a column some lack is shown as the count of rows only where the
    // patients lacking it are too few to show (DisclosureControl), so through an alias whose helpers lack it, it can
    // differ from the pad's own answer, whatever the target.
    private string[] Filled()
    {
        const string all = """{"col": "age", "ge": 0}""";
        var rows = Analyst.Value(fixture.Dataset.Execute(Checkups(all, CountOf("*"))).Column(0), 0);
        return Names.Where(n => Analyst.Value(fixture.Dataset.Execute(Checkups(all, CountOf(n))).Column(0), 0) == rows).ToArray();
    }

    private static string Checkups(string where, string select) => $$"""{"from": "checkups", "where": {{where}}, "select": [{{select}}]}""";

    private static string CountOf(string column) => $$"""{"count": "{{column}}", "as": "n"}""";

    private const string PatientCount = """{"countDistinct": "patient_id", "as": "n"}""";

    [Theory]
    [InlineData("""{"col": "med_bp", "eq": true}""", 1)]
    [InlineData("""{"col": "hba1c", "ge": 5.6}""", 2)]
    [InlineData("""{"col": "smoking", "eq": true}""", 3)]
    public void Walking_a_kept_pad_s_aliases_one_person_at_a_time_finds_no_edge_to_put_a_secret_on(string secret, int seed)
    {
        var (pads, alone) = Targets.CheckupPadsAndPeople(fixture);
        var random = new Random(seed);
        alone = [.. alone.OrderBy(_ => random.Next())];
        var helpers = alone.Take(Helpers).Select(p => Block(p)).ToList();
        var targets = alone.Skip(Helpers).ToList();
        // The attacker's project, and a twin under the same secret where each question is asked of the pad alone:
        // the pad's own answers, which every alias must get.
        var (attacker, twin) = (fixture.NewLedger(seed), fixture.NewLedger(seed));
        var filled = Filled();
        var (walked, moved, with, without, flaggedWith, flaggedWithout, t) = (0, 0, 0, 0, 0, 0, 0);
        foreach (var pad in pads)
        {
            if (Targets.First(fixture, attacker, Checkups(pad, CountOf("*"))) is null) continue;
            Targets.First(fixture, twin, Checkups(pad, CountOf("*")));
            // An alias 5 from the pad, so that cells up to 14 from the pad land on it and read the pad's figures.
            Targets.First(fixture, attacker, Checkups(Or([pad, .. helpers.Take(5)]), PatientCount));
            walked++;
            var names = new Queue<string>(filled);
            bool Differs(string where) =>
                Targets.First(fixture, attacker, Checkups(where, CountOf(names.Peek()))) != Targets.First(fixture, twin, Checkups(pad, CountOf(names.Dequeue())));
            for (var j = 10; j <= Helpers; j++) if (Differs(Or([pad, .. helpers.Take(j)]))) moved++;
            // Every name left tests one target beside the pad and m of the helpers, m from 0 to 13 in turn.
            for (var m = 0; names.Count > 0 && t < targets.Count; m = (m + 1) % Helpers)
            {
                var target = targets[t++];
                var flagged = Differs(Or([pad, .. helpers.Take(m), Block(target, secret)]));
                if (Truth(Block(target, secret)) > 0) { with++; if (flagged) flaggedWith++; }
                else { without++; if (flagged) flaggedWithout++; }
            }
        }
        var counts = $"{secret}: names {filled.Length}, pads walked {walked}, answers moved by the walk {moved}; with the secret {with}, flagged {flaggedWith}; without {without}, flagged {flaggedWithout}";
        Assert.True(walked >= 10 && with >= 5 && without >= 20, $"too little to attack: {counts}");
        Assert.True(moved == 0 && flaggedWith == 0 && flaggedWithout == 0, counts);
    }

    private long Truth(string where) => (long)(Analyst.Value(fixture.Dataset.Execute(Checkups(where, PatientCount)).Column(0), 0) ?? 0);
}
