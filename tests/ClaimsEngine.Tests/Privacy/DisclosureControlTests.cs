using Apache.Arrow;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Storage;
using Claims.SyntheticGen;
using Claims.Testing;

namespace Claims.Engine.Tests.Privacy;

/// <summary>A small generated restricted dataset (1,500 persons, two months), linked as every generation is.</summary>
public sealed class RestrictedFixture : IDisposable
{
    private readonly TempDirectory _temp = new("claims-privacy");

    public RestrictedFixture()
    {
        Generator.Run(new GenerateOptions { Out = _temp.Combine("ds"), Persons = 1_500, From = 202304, Months = 2, Seed = 5, Access = DatasetAccess.Restricted });
        Dataset = Dataset.Open(_temp.Combine("ds"));
    }

    public Dataset Dataset { get; }

    /// <summary>
    /// A fresh ledger whose cell key secret is fixed by <paramref name="secret"/>, so that the noise, and every
    /// statistic a test draws from it, is the same on every run.
    /// </summary>
    public ReleaseLedger NewLedger(int secret = 1)
    {
        var directory = _temp.Combine("releases", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var bytes = new byte[32];
        new Random(secret).NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(directory, "cell-key.secret"), bytes);
        return new ReleaseLedger(directory);
    }

    public void Dispose()
    {
        Dataset.Dispose();
        _temp.Dispose();
    }
}

public class DisclosureControlTests(RestrictedFixture fixture) : IClassFixture<RestrictedFixture>
{
    private static readonly DisclosurePolicy Policy = DisclosurePolicy.Default;

    private DisclosedResult Apply(string json, ReleaseLedger? ledger = null, string project = "study", long budget = DisclosurePolicy.DefaultBudget) =>
        DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(json, fixture.Dataset.Schema), new DisclosureRequest(project, ledger ?? fixture.NewLedger(), json, Policy, budget));

    private static object? Cell(RecordBatch batch, string column, int row) => batch.Column(batch.Schema.GetFieldIndex(column)) switch
    {
        Int64Array a => (object?)a.GetValue(row),
        DoubleArray d => d.GetValue(row),
        var other => throw new InvalidOperationException(other.GetType().Name),
    };

    [Fact]
    public void Groups_under_ten_patients_lose_every_aggregate_and_the_rest_are_the_engine_s_figures_within_the_noise()
    {
        const string query = """
            {"from": "receipts", "groupBy": ["sex", "age_band"],
             "select": [{"count": "*", "as": "claims"}, {"sum": "total_points", "as": "points"}, {"avg": "total_points", "as": "mean"},
                        {"countDistinct": "patient_id", "as": "patients"}]}
            """;
        var result = Apply(query);
        var truth = fixture.Dataset.Execute(query);
        Assert.Equal(truth.Length, result.Batch.Length);
        var truthByKey = Enumerable.Range(0, truth.Length).ToDictionary(r => (Cell(truth, "sex", r), Cell(truth, "age_band", r)));
        var top = fixture.Dataset.Execute("""{"from": "receipts", "groupBy": ["sex", "age_band"], "select": [{"max": "total_points", "as": "top"}]}""");
        var topByKey = Enumerable.Range(0, top.Length).ToDictionary(r => (Cell(top, "sex", r), Cell(top, "age_band", r)), r => (long)Cell(top, "top", r)!);
        var primary = 0;
        var complementary = 0;
        var moved = 0;
        for (var r = 0; r < result.Batch.Length; r++)
        {
            var t = truthByKey[(Cell(result.Batch, "sex", r), Cell(result.Batch, "age_band", r))];
            var patients = (long)Cell(truth, "patients", t)!;
            var rule = result.Suppression(r, "claims");
            foreach (var column in new[] { "claims", "points", "mean", "patients" }) Assert.Equal(rule, result.Suppression(r, column));
            if (rule == CellSuppression.None)
            {
                // Counts move by at most D and never below the threshold; a sum by at most its largest value; the
                // mean is the released sum over the released count of values (here every claim has points).
                foreach (var column in new[] { "claims", "patients" })
                {
                    var released = (long)Cell(result.Batch, column, r)!;
                    Assert.InRange(released - (long)Cell(truth, column, t)!, -PerturbationTable.MaxNoise, PerturbationTable.MaxNoise);
                    Assert.True(released >= Policy.Threshold);
                    if (released != (long)Cell(truth, column, t)!) moved++;
                }
                var points = (long)Cell(result.Batch, "points", r)!;
                var largest = topByKey[(Cell(result.Batch, "sex", r), Cell(result.Batch, "age_band", r))];
                Assert.InRange(points - (long)Cell(truth, "points", t)!, -largest - 1, largest + 1);
                Assert.InRange((double)Cell(result.Batch, "mean", r)!, 0.5 * (double)Cell(truth, "mean", t)!, 1.5 * (double)Cell(truth, "mean", t)!);
            }
            else foreach (var column in new[] { "claims", "points", "mean", "patients" }) Assert.Null(Cell(result.Batch, column, r));
            Assert.Equal(Policy.IsSmall(patients), rule == CellSuppression.Primary);
            if (rule == CellSuppression.Primary) primary++;
            if (rule == CellSuppression.Complementary) complementary++;
        }
        Assert.True(primary > 0, "the oldest age bands should be small");
        Assert.True(complementary > 0, $"{primary} primary, {complementary} complementary of {result.Batch.Length}");
        Assert.True(moved > 10, $"only {moved} counts were perturbed");
        Assert.Contains("suppression: cells of fewer than 10 patients are shown as x", result.Rules);
        Assert.Contains("complementary suppression against row, column and grand totals", result.Rules);
    }

    [Fact]
    public void Suppressed_rows_sort_as_nulls_so_their_place_says_nothing_and_the_limit_applies_after()
    {
        var result = Apply("""
            {"from": "receipts", "groupBy": ["prefecture"], "select": [{"sum": "total_points", "as": "points"}],
             "orderBy": [{"col": "points", "desc": true}], "limit": 40}
            """);
        Assert.True(result.Batch.Length <= 40);
        var points = result.Batch.Column(1);
        var firstNull = Enumerable.Range(0, points.Length).FirstOrDefault(points.IsNull, points.Length);
        Assert.True(firstNull is > 0 && firstNull < points.Length, $"{firstNull} released of {points.Length}: the order must be seen with both kinds of row");
        Assert.All(Enumerable.Range(firstNull, points.Length - firstNull), r => Assert.True(points.IsNull(r)));
        Assert.All(Enumerable.Range(0, firstNull), r => Assert.Equal(CellSuppression.None, result.Suppression(r, "points")));
    }

    [Fact]
    public void Queries_a_few_patients_apart_are_both_released_perturbed_and_recorded_for_extracts()
    {
        // Perturbation, not refusal, answers differencing of aggregates: a refusal would itself say "1 to 9 apart".
        var ledger = fixture.NewLedger();
        const string a = """{"from": "receipts", "where": {"col": "patient_id", "lt": 600}, "select": [{"countDistinct": "patient_id", "as": "patients"}]}""";
        const string b = """{"from": "receipts", "where": {"col": "patient_id", "lt": 603}, "select": [{"countDistinct": "patient_id", "as": "patients"}]}""";
        var first = Apply(a, ledger);
        var second = Apply(b, ledger);
        Assert.Empty(first.Suppressed);
        Assert.Empty(second.Suppressed);
        Assert.Equal(2, ledger.Releases("study").Count);
        Assert.DoesNotContain(first.Rules.Concat(second.Rules), r => r.Contains("600", StringComparison.Ordinal) || r.Contains("603", StringComparison.Ordinal));
    }

    [Fact]
    public void A_count_without_group_by_under_ten_patients_is_suppressed()
    {
        var result = Apply("""{"from": "receipts", "where": {"col": "patient_id", "lt": 3}, "select": [{"count": "*", "as": "claims"}]}""");
        Assert.True(result.Batch.Column(0).IsNull(0));
        Assert.Equal(new SuppressedCell(0, "claims") { Rule = CellSuppression.Primary }, Assert.Single(result.Suppressed));
    }

    [Fact]
    public void A_restricted_dataset_without_linked_patients_is_protected_by_claim_counts()
    {
        using var temp = new TempDirectory();
        Engine.Sampling.SamplingProduct.Write(fixture.Dataset, temp.Combine("sample"), new Engine.Sampling.SampleOptions { Seed = 1, Months = [4] });
        using var sample = Dataset.Open(temp.Combine("sample"));
        Assert.Equal(DatasetAccess.Restricted, sample.Manifest.Access);
        const string json = """{"from": "receipts", "groupBy": ["claim_kind", "sex"], "select": [{"count": "*", "as": "claims"}]}""";
        var exact = sample.Execute(json);
        var result = DisclosureControl.Apply(sample, QueryParser.Parse(json, sample.Schema), new DisclosureRequest("study", fixture.NewLedger(), json, Policy));
        Assert.Contains("suppression: cells of fewer than 10 claims are shown as x", result.Rules);
        var claims = (Int64Array)exact.Column(exact.Schema.GetFieldIndex("claims"));
        Assert.Contains(Enumerable.Range(0, exact.Length), r => claims.GetValue(r) < 10);
        for (var r = 0; r < result.Batch.Length; r++)
        {
            var value = Cell(result.Batch, "claims", r);
            Assert.True(value is null ? result.IsSuppressed(r, "claims") : (long)value >= 10, $"row {r}: {value}");
        }
    }
}
