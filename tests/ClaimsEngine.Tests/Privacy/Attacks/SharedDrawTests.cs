using Claims.Engine.Privacy;
using Claims.Engine.Query;

using static Claims.Engine.Tests.Privacy.Attacks.Targets;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// Attack review 21 (helper). Counts of rows of one true value share their draw whatever they are named
/// (<see cref="CellPerturbation.ShownCount"/> keys a count of rows by the cell's key and the true value only), so two
/// counts of rows released for one cell are equal exactly when their true values are (and, different, equal only by a
/// chance collision of two independent draws). The analyst makes one cell whose two counts of rows differ by the
/// target's secret alone: a fresh base (admitted claims of a random half of the prefectures, far from everything asked
/// before) with the target's outpatient claims that carry the secret diagnosis. count(*) counts those claims and
/// count(admission_date) does not, so the two figures differ only if the target has the diagnosis. Nothing near, no
/// history, no exact pad: one query of two figures per target (174 of 188, no false positive). Now each count draws
/// by its name, and a count of a column's values where the patients with rows without one would not be released is
/// the cell's count of rows, so the two figures agree with the secret or without it.
/// </summary>
public sealed class SharedDrawTests(CheckupYearFixture fixture) : IClassFixture<CheckupYearFixture>
{

    private long Rows(string where) =>
        (long)(Analyst.Value(fixture.Dataset.Execute($$"""{"from": "receipts", "where": {{where}}, "select": [{"count": "*", "as": "n"}]}""").Column(0), 0) ?? 0);

    [Theory]
    [InlineData("I", 1)]
    [InlineData("E11", 2)]
    [InlineData("J", 3)]
    public void Two_counts_of_rows_of_one_fresh_cell_agree_whether_a_person_has_a_diagnosis_or_not(string code, int seed)
    {
        var random = new Random(seed);
        string Secret((long P, long S, long A) target) =>
            $$$$"""{"and": [{{{{Block(target)}}}}, {"col": "admission_date", "isNull": true}, {"exists": {"from": "diagnoses", "where": {"col": "icd10", "prefix": "{{{{code}}}}"}}}]}""";
        var alone = WithAndWithout(Targets.Alone(fixture).OrderBy(_ => random.Next()), 150, 8, t => Rows(Secret(t)) > 0);
        var ledger = fixture.NewLedger(seed);
        var (with, without, flaggedWith, flaggedWithout, hidden) = (0, 0, 0, 0, 0);
        foreach (var target in alone)
        {
            // A fresh base: the admitted claims of a random half of the prefectures (never the target's), every one
            // with an admission date, so that its count of rows and of admission dates are one true value.
            var half = Enumerable.Range(1, 47).Where(p => p != target.P).OrderBy(_ => random.Next()).Take(23);
            var admitted = $$"""{"and": [{"col": "prefecture", "in": [{{string.Join(", ", half)}}]}, {"col": "admission_date", "isNull": false}]}""";
            // The target's outpatient claims with the diagnosis: rows without an admission date, there only if they have it.
            var secret = Secret(target);
            var json = $$"""{"from": "receipts", "where": {"or": [{{admitted}}, {{secret}}]}, "select": [{"count": "*", "as": "n"}, {"count": "admission_date", "as": "a"}]}""";
            var result = DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(json, fixture.Dataset.Schema),
                new DisclosureRequest("mallory", ledger, json, DisclosurePolicy.Default, long.MaxValue));
            var (rows, admissions) = (Analyst.Value(result.Batch.Column(0), 0), Analyst.Value(result.Batch.Column(1), 0));
            if (rows is null || admissions is null) { hidden++; continue; }
            var flagged = rows != admissions;
            if (Rows(secret) > 0) { with++; if (flagged) flaggedWith++; }
            else { without++; if (flagged) flaggedWithout++; }
        }
        var counts = $"{code}: with the diagnosis {with}, flagged {flaggedWith}; without {without}, flagged {flaggedWithout} (false positives); hidden {hidden}";
        Assert.True(with >= 5 && without >= 10, $"too little to find: {counts}");
        Assert.True(flaggedWith == 0 && flaggedWithout == 0, counts);
    }
}
