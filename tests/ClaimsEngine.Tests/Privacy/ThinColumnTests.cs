using Apache.Arrow;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Storage;
using Claims.Testing;

namespace Claims.Engine.Tests.Privacy;

/// <summary>
/// A figure of a nullable column that a few patients stand behind, though it is large itself: the generated
/// fixtures have none (their thin columns also have thin counts), so this one is written row by row.
/// </summary>
public sealed class ThinColumnTests : IDisposable
{
    private const int Patients = 600;
    private const int Few = 3;
    private const int RowsEach = 30;
    private readonly TempDirectory _temp = new("claims-thin");
    private readonly Dataset _dataset;

    public ThinColumnTests()
    {
        var options = new DatasetWriteOptions
        {
            Access = DatasetAccess.Restricted,
            Provenance = new DatasetProvenance(true, "tests: thin column", new Dictionary<string, string> { ["patients"] = Patients.ToString() }),
        };
        using (var writer = DatasetWriter.Create(_temp.Combine("ds"), options))
        {
            // Shinryo 60: each of the first half has one line without points, and three of them thirty lines with
            // points each. Shinryo 21: each of the other half has one line with points. (Halves apart: over the same
            // patients, the second group would be shown the first's figures as a near cell.)
            var half = Patients / 2;
            var lines = Enumerable.Range(0, half).Select(p => (Claim: (long)p, Patient: p, Shinryo: (sbyte)60, Points: (int?)null))
                .Concat(Enumerable.Range(0, Few).SelectMany(p => Enumerable.Repeat((Claim: (long)p, Patient: p, Shinryo: (sbyte)60, Points: (int?)25), RowsEach)))
                .Concat(Enumerable.Range(half, half).Select(p => (Claim: (long)p, Patient: p, Shinryo: (sbyte)21, Points: (int?)40)))
                .ToArray();
            ProcedureLines.Write(writer, lines);
            writer.Commit();
        }
        _dataset = Dataset.Open(_temp.Combine("ds"));
    }

    [Fact]
    public void A_count_and_a_sum_that_three_patients_stand_behind_are_x_however_large_and_the_rest_is_shown()
    {
        const string json = """{"from": "procedures", "groupBy": ["shinryo_shikibetsu"], "select": [{"count": "*", "as": "lines"}, {"count": "points", "as": "priced"}, {"sum": "points", "as": "points"}]}""";
        var ledger = new ReleaseLedger(_temp.Combine("releases"));
        var result = DisclosureControl.Apply(_dataset, QueryParser.Parse(json, _dataset.Schema), new DisclosureRequest("study", ledger, json, DisclosurePolicy.Default, DisclosurePolicy.DefaultBudget));

        var shinryo = (Int64Array)result.Batch.Column(0);
        var rows = Enumerable.Range(0, result.Batch.Length).ToDictionary(r => shinryo.GetValue(r)!.Value);
        Assert.Equal([21L, 60L], rows.Keys.Order());
        // 90 priced lines and 2,250 points would each pass the threshold; the three patients behind them do not.
        Assert.False(result.IsSuppressed(rows[60], "lines"));
        Assert.True(result.IsSuppressed(rows[60], "priced"));
        Assert.True(result.IsSuppressed(rows[60], "points"));
        Assert.False(result.IsSuppressed(rows[21], "priced"));
        Assert.False(result.IsSuppressed(rows[21], "points"));
        Assert.Contains(result.Rules, rule => rule.StartsWith("an aggregate of a column that fewer than 10 patients of its group have a value of", StringComparison.Ordinal));
    }

    [Fact]
    public void An_x_inside_a_shown_row_sorts_as_a_null_whatever_its_value_so_its_place_says_nothing_and_the_limit_applies_after()
    {
        // By their true values the 90 priced lines of shinryo 60 come before the 300 of shinryo 21 in ascending order.
        var ledger = new ReleaseLedger(_temp.Combine("order"));
        foreach (var (limit, expected) in new[] { ("", new long[] { 21, 60 }), (", \"limit\": 1", [21]) })
        {
            var json = $$"""{"from": "procedures", "groupBy": ["shinryo_shikibetsu"], "select": [{"count": "points", "as": "priced"}, {"count": "*", "as": "lines"}], "orderBy": [{"col": "priced"}]{{limit}}}""";
            var result = DisclosureControl.Apply(_dataset, QueryParser.Parse(json, _dataset.Schema), new DisclosureRequest("study", ledger, json, DisclosurePolicy.Default, DisclosurePolicy.DefaultBudget));
            var shinryo = (Int64Array)result.Batch.Column(0);
            Assert.Equal(expected, Enumerable.Range(0, result.Batch.Length).Select(r => shinryo.GetValue(r)!.Value));
            Assert.False(result.IsSuppressed(0, "priced"));
            if (expected.Length == 2) Assert.True(result.IsSuppressed(1, "priced"));
        }
    }

    public void Dispose()
    {
        _dataset.Dispose();
        _temp.Dispose();
    }
}
