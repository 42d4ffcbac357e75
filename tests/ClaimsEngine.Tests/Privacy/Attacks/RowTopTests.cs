using Claims.Engine.Privacy;
using Claims.Engine.Query;

using static Claims.Engine.Tests.Privacy.Attacks.Targets;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// Attack review 22: a sum's top contributor is the largest single row, not the most one patient adds. A patient with
/// many claims adds the sum of all of them, while the noise is sized by one. The analyst asks a fresh cell (claims of
/// one day, actual_days = 1, in a random half of the prefectures) with one known person's claims that carry a
/// diagnosis, for the sum of actual_days and the count of claims. Without the person's claims both are the cell's
/// rows, and the sum (noise of scale 1) and count (noise of −5 to 5) differ by at most 10; with them the sum gains
/// every extra day the person was seen, with noise sized by their longest claim. A difference past 10 is proof.
/// Now each patient's total is clipped to the column's cap and the sum's noise sized by that cap, never less than
/// the column's public scale, and unbounded: the cell's heaviest patient, with or without the person, already adds
/// many days, so the difference passes 10 about as often either way.
/// Attack review 23 asked it again grouped by four keys constant over the selection (year: one calendar year of data;
/// sex, fixed by the where; admission_date and dpc_code, both null: outpatient claims only), when a sum grouped by
/// four columns skipped the per-patient scan and its noise fell back to one row (12 of 38 with I found, none
/// without). Sums grouped by four were then refused; now each patient's total is kept in the query's own scan
/// (<see cref="Aggregate.PerUnit"/>), so any grouping clips it, and the padded grouping is asked as the plain one.
/// </summary>
public sealed class RowTopTests(CheckupYearFixture fixture) : IClassFixture<CheckupYearFixture>
{
    private const int Bases = 8;

    private long Rows(string where) =>
        (long)(Analyst.Value(fixture.Dataset.Execute($$"""{"from": "receipts", "where": {{where}}, "select": [{"count": "*", "as": "n"}]}""").Column(0), 0) ?? 0);

    [Theory]
    [InlineData("I", 1, false)]
    [InlineData("I", 1, true)]
    public void A_sum_beside_a_count_does_not_say_whether_one_person_s_many_claims_are_there(string code, int seed, bool fourKeys)
    {
        // Outpatient claims of the target's sex, grouped by four keys each of one value there.
        var padding = fourKeys ? """, {"col": "admission_date", "isNull": true}""" : "";
        var groupBy = fourKeys ? """ "groupBy": ["year", "sex", "admission_date", "dpc_code"],""" : "";
        var random = new Random(seed);
        var alone = Targets.Alone(fixture).OrderBy(_ => random.Next()).Take(150).ToList();
        var ledger = fixture.NewLedger(seed);
        var (with, without, flaggedWith, flaggedWithout, hidden) = (0, 0, 0, 0, 0);
        foreach (var target in alone)
        {
            var secret = $$$$"""{"and": [{{{{Block(target)}}}}, {"exists": {"from": "diagnoses", "where": {"col": "icd10", "prefix": "{{{{code}}}}"}}}{{{{padding}}}}]}""";
            var sex = fourKeys ? $$""", {"col": "sex", "eq": {{target.S}}}{{padding}}""" : "";
            var flagged = false;
            for (var b = 0; b < Bases; b++)
            {
                var half = Enumerable.Range(1, 47).Where(p => p != target.P).OrderBy(_ => random.Next()).Take(23);
                var ones = $$"""{"and": [{"col": "prefecture", "in": [{{string.Join(", ", half)}}]}, {"col": "actual_days", "eq": 1}{{sex}}]}""";
                var json = $$"""{"from": "receipts",{{groupBy}} "where": {"or": [{{ones}}, {{secret}}]}, "select": [{"sum": "actual_days", "as": "s"}, {"count": "*", "as": "n"}]}""";
                var result = DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(json, fixture.Dataset.Schema),
                    new DisclosureRequest("mallory", ledger, json, DisclosurePolicy.Default, long.MaxValue));
                Assert.True(result.Batch.Length <= 1, $"{result.Batch.Length} groups where the keys hold one value each");
                if (result.Batch.Length == 0 || (Analyst.Value(result.Batch.Column("s"), 0), Analyst.Value(result.Batch.Column("n"), 0)) is not ({ } sum, { } count)) { hidden++; continue; }
                if (Math.Abs(sum - count) > 10) flagged = true;
            }
            if (Rows(secret) > 0) { with++; if (flagged) flaggedWith++; }
            else { without++; if (flagged) flaggedWithout++; }
        }
        var counts = $"{code}: {Bases} fresh bases a person; with the diagnosis {with}, flagged {flaggedWith}; without {without}, flagged {flaggedWithout} (false positives); hidden {hidden}";
        Assert.True(with >= 5 && without >= 10, $"too little to find: {counts}");
        Assert.True(flaggedWith / (double)with - flaggedWithout / (double)without < 0.2, counts);
    }
}
