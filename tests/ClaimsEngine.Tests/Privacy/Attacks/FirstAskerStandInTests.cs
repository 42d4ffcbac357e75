using Claims.Engine.Privacy;
using Claims.Engine.Query;

using static Claims.Engine.Tests.Privacy.Attacks.Targets;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// Attack review 22: the count-of-values stand-in is decided by the first asker's missing set, but drawn from the
/// root's truth. A count of admission dates is shown as the count of rows where the patients with rows lacking one
/// are too few to show; that is decided for the patients of the cell that asks, while the figure is the root's. The
/// analyst keeps a fresh root A (admitted claims of a random half of the prefectures, every one with a date, plus one
/// person's outpatient claims carrying a diagnosis, there only if they have it) by asking its count of rows only. Then
/// A grows by two small blocks of outpatients (each under 10 patients, so each step continues A's chain whatever its
/// size), and the grown cell asks the count of admission dates: its own missing patients are the two blocks, 10 or
/// more, so the stand-in does not apply, and the figure drawn is A's true count of dates, which lacks the person's
/// claims exactly when they have the diagnosis. A's count of rows less its count of dates is then the person's claims
/// plus two draws; a few fresh roots average the draws away. The count of values a cell is kept with is now decided
/// by the cell's own patients without one, so the grown cell's count of dates is the root's own only where the root
/// could show it, and <see cref="Claims.Engine.Privacy.DisclosurePolicy.Marker"/> otherwise.
/// </summary>
public sealed class FirstAskerStandInTests(CheckupYearFixture fixture) : IClassFixture<CheckupYearFixture>
{
    private const int Bases = 4;

    private static string Outpatients((long P, long S, long A) b) =>
        $$"""{"and": [{{Block(b)}}, {"col": "admission_date", "isNull": true}]}""";

    private static string Query(string where, string select) => $$"""{"from": "receipts", "where": {{where}}, "select": [{{select}}]}""";

    private const string Rows = """{"count": "*", "as": "n"}""";
    private const string Dates = """{"count": "admission_date", "as": "n"}""";

    private long Truth(string where) =>
        (long)(Analyst.Value(fixture.Dataset.Execute(Query(where, Rows)).Column(0), 0) ?? 0);

    [Theory]
    [InlineData("I", 1)]
    [InlineData("E11", 2)]
    [InlineData("J", 3)]
    public void A_count_of_values_first_asked_by_a_grown_alias_does_not_say_how_many_rows_without_one_the_root_holds(string code, int seed)
    {
        var random = new Random(seed);
        string Secret((long P, long S, long A) target) =>
            $$$$"""{"and": [{{{{Outpatients(target)}}}}, {"exists": {"from": "diagnoses", "where": {"col": "icd10", "prefix": "{{{{code}}}}"}}}]}""";
        var alone = WithAndWithout(Targets.Alone(fixture).OrderBy(_ => random.Next()), 100, 8, t => Truth(Secret(t)) > 0);
        // Blocks of outpatients of 5 to 8 patients: each step of the chain is under 10, two of them 10 or more.
        var batch = fixture.Dataset.Execute("""{"from": "receipts", "where": {"col": "admission_date", "isNull": true}, "groupBy": ["prefecture", "sex", "age"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""");
        var small = Enumerable.Range(0, batch.Length).Where(i => Analyst.Value(batch.Column(3), i) is >= 5 and <= 8)
            .Select(i => ((long)Analyst.Value(batch.Column(0), i)!, (long)Analyst.Value(batch.Column(1), i)!, (long)Analyst.Value(batch.Column(2), i)!)).ToList();
        var ledger = fixture.NewLedger(seed);
        var (with, without, flaggedWith, flaggedWithout, proofs, skipped, reached) = (0, 0, 0, 0, 0, 0, 0);
        foreach (var target in alone)
        {
            var secret = Secret(target);
            var differences = new List<double>();
            for (var b = 0; b < Bases; b++)
            {
                var half = Enumerable.Range(1, 47).Where(p => p != target.P).OrderBy(_ => random.Next()).Take(23).ToHashSet();
                var admitted = $$"""{"and": [{"col": "prefecture", "in": [{{string.Join(", ", half)}}]}, {"col": "admission_date", "isNull": false}]}""";
                var root = Or([admitted, secret]);
                if (Targets.First(fixture, ledger, Query(root, Rows)) is not { } rows) continue;
                // Two blocks outside the half (reused across roots: grown cells of two roots are far apart, and their
                // missing patients, the same two blocks, land on the verdict given before).
                var blocks = small.Where(s => !half.Contains((int)s.Item1) && s.Item1 != target.P).OrderBy(_ => random.Next()).Take(2).ToList();
                if (blocks.Count < 2) { skipped++; continue; }
                var one = Or([admitted, secret, Outpatients(blocks[0])]);
                var two = Or([admitted, secret, Outpatients(blocks[0]), Outpatients(blocks[1])]);
                // Each step continues A's chain: the analyst sees A's count of rows again.
                if (Targets.First(fixture, ledger, Query(one, Rows)) != rows || Targets.First(fixture, ledger, Query(two, Rows)) != rows) { skipped++; continue; }
                reached++;
                if (Targets.First(fixture, ledger, Query(two, Dates)) is not { } dates) continue;
                differences.Add(rows - dates);
            }
            // Without the person's claims the difference is two draws (−10 to 10, mean 0); with them, their claims more.
            var flagged = differences.Count > 0 && differences.Average() >= 3;
            if (differences.Any(d => d > 10)) proofs++;
            if (Truth(secret) > 0) { with++; if (flagged) flaggedWith++; }
            else { without++; if (flagged) flaggedWithout++; }
        }
        var counts = $"{code}: up to {Bases} roots a person; with the diagnosis {with}, flagged {flaggedWith}; without {without}, flagged {flaggedWithout} (false positives); differences past 10 (proof) {proofs}; steps skipped {skipped}; count of dates asked {reached}";
        Assert.True(with >= 5 && without >= 10 && reached >= 40, $"too little to find: {counts}");
        Assert.True(flaggedWith / (double)with - flaggedWithout / (double)without < 0.2, counts);
    }
}
