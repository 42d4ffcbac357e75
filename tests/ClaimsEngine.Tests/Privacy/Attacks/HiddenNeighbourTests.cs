using Apache.Arrow;
using Claims.Engine.Privacy;
using Claims.Engine.Query;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// An attack review's: a grouped query puts one quasi-identified person's cell (their prefecture, sex and age, with a
/// diagnosis) beside a large known cell. When complementary suppression chose neighbours on exact counts, the large
/// cell vanished exactly when the person had the diagnosis (261 of 261 guessed right). A cell is now shown or x by
/// its own count, key and history only, so the large cell says nothing about its neighbour.
/// </summary>
public sealed class HiddenNeighbourTests(RestrictedFixture fixture) : IClassFixture<RestrictedFixture>
{
    private static long? Value(IArrowArray array, int row) => ((Int64Array)array).GetValue(row);

    [Theory]
    [InlineData("E11")]
    [InlineData("I")]
    public void A_large_cell_beside_one_persons_cell_is_shown_whether_or_not_they_have_the_diagnosis(string code)
    {
        var ledger = fixture.NewLedger(7);
        var people = fixture.Dataset.Execute("""{"from": "receipts", "groupBy": ["prefecture", "sex", "age"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""");
        var unique = Enumerable.Range(0, people.Length).Where(i => Value(people.Column(3), i) == 1)
            .Select(i => (P: Value(people.Column(0), i)!.Value, S: Value(people.Column(1), i)!.Value, A: Value(people.Column(2), i)!.Value)).ToList();
        var bases = fixture.Dataset.Execute("""{"from": "receipts", "groupBy": ["prefecture", "sex"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""");
        // 15 or more: shown whatever its perturbation, so only a neighbour's influence could hide it.
        var large = Enumerable.Range(0, bases.Length).Where(i => Value(bases.Column(2), i) >= 15)
            .Select(i => (P: Value(bases.Column(0), i)!.Value, S: Value(bases.Column(1), i)!.Value)).ToList();
        var has = "{\"exists\": {\"from\": \"diagnoses\", \"where\": {\"col\": \"icd10\", \"prefix\": \"" + code + "\"}}}";
        var (trials, positives) = (0, 0);
        foreach (var (p, s, a) in unique.Take(60))
        {
            var (bp, bs) = large.First(b => b.P != p);
            var target = $$"""{"and": [{"col": "prefecture", "eq": {{p}}}, {"col": "sex", "eq": {{s}}}, {"col": "age", "eq": {{a}}}, {{has}}]}""";
            var json = $$"""{"from": "receipts", "where": {"or": [{"and": [{"col": "prefecture", "eq": {{bp}}}, {"col": "sex", "eq": {{bs}}}]}, {{target}}]}, "groupBy": ["prefecture"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""";
            var result = DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(json, fixture.Dataset.Schema),
                new DisclosureRequest("mallory", ledger, json, DisclosurePolicy.Default, long.MaxValue));
            var baseShown = Enumerable.Range(0, result.Batch.Length).Any(r => Value(result.Batch.Column(0), r) == bp && Value(result.Batch.Column(1), r) is not null);
            var truth = Value(fixture.Dataset.Execute($$"""{"from": "receipts", "where": {{target}}, "select": [{"countDistinct": "patient_id", "as": "n"}]}""").Column(0), 0);
            trials++;
            if (truth > 0) positives++;
            Assert.True(baseShown, $"the base cell ({bp}, {bs}) was hidden beside person ({p}, {s}, {a}), who has {code}: {truth > 0}");
        }
        Assert.True(trials >= 20 && positives > 0, $"{trials} people tried, {positives} with {code}: the attack had nothing to find");
    }
}
