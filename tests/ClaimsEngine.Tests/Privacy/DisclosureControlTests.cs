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

    public ReleaseLedger NewLedger() => new(_temp.Combine("releases", Guid.NewGuid().ToString("N")));

    public void Dispose()
    {
        Dataset.Dispose();
        _temp.Dispose();
    }
}

public class DisclosureControlTests(RestrictedFixture fixture) : IClassFixture<RestrictedFixture>
{
    private static readonly DisclosurePolicy Policy = DisclosurePolicy.Default;

    private DisclosedResult Apply(string json, ReleaseLedger? ledger = null, string project = "study") =>
        DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(json, fixture.Dataset.Schema), new DisclosureRequest(project, ledger ?? fixture.NewLedger(), json, Policy));

    private static object? Cell(RecordBatch batch, string column, int row) => batch.Column(batch.Schema.GetFieldIndex(column)) switch
    {
        Int64Array a => (object?)a.GetValue(row),
        DoubleArray d => d.GetValue(row),
        var other => throw new InvalidOperationException(other.GetType().Name),
    };

    [Fact]
    public void Groups_under_ten_patients_lose_counts_sums_and_means_and_the_rest_match_the_engine()
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
        var primary = 0;
        var complementary = 0;
        for (var r = 0; r < result.Batch.Length; r++)
        {
            var t = truthByKey[(Cell(result.Batch, "sex", r), Cell(result.Batch, "age_band", r))];
            var patients = (long)Cell(truth, "patients", t)!;
            var rule = result.Suppression(r, "claims");
            foreach (var column in new[] { "claims", "points", "mean", "patients" })
            {
                Assert.Equal(rule, result.Suppression(r, column));
                Assert.Equal(rule == CellSuppression.None ? Cell(truth, column, t) : null, Cell(result.Batch, column, r));
            }
            Assert.Equal(Policy.IsSmall(patients), rule == CellSuppression.Primary);
            if (rule == CellSuppression.Primary) primary++;
            if (rule == CellSuppression.Complementary) complementary++;
        }
        Assert.True(primary > 0, "the oldest age bands should be small");
        Assert.True(complementary > 0, $"{primary} primary, {complementary} complementary of {result.Batch.Length}");
        Assert.Contains("primary suppression: patients < 10", result.Rules);
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
        Assert.All(Enumerable.Range(firstNull, points.Length - firstNull), r => Assert.True(points.IsNull(r)));
        Assert.All(Enumerable.Range(0, firstNull), r => Assert.Equal(CellSuppression.None, result.Suppression(r, "points")));
    }

    [Fact]
    public void A_query_whose_cohort_differs_by_a_few_patients_from_an_earlier_one_is_refused()
    {
        var ledger = fixture.NewLedger();
        const string a = """{"from": "receipts", "where": {"col": "patient_id", "lt": 600}, "select": [{"count": "*", "as": "claims"}]}""";
        const string b = """{"from": "receipts", "where": {"col": "patient_id", "lt": 603}, "select": [{"count": "*", "as": "claims"}]}""";
        const string c = """{"from": "receipts", "where": {"col": "patient_id", "lt": 700}, "select": [{"sum": "total_points", "as": "points"}]}""";
        var first = Apply(a, ledger);
        Assert.Empty(first.Suppressed);
        Assert.Contains(first.Rules, r => r.StartsWith("differencing:", StringComparison.Ordinal));
        Apply(a, ledger);
        var e = Assert.Throws<DisclosureException>(() => Apply(b, ledger));
        Assert.Contains("differs from release 1 (query 'receipts query'", e.Message);
        Apply(b, ledger, project: "another");
        Apply(c, ledger);
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
        Assert.Contains(result.Rules, r => r.Contains("claims < 10", StringComparison.Ordinal));
        Assert.Contains(result.Rules, r => r.StartsWith("differencing: not applied", StringComparison.Ordinal));
        var claims = (Int64Array)exact.Column(exact.Schema.GetFieldIndex("claims"));
        Assert.Contains(Enumerable.Range(0, exact.Length), r => claims.GetValue(r) < 10);
        for (var r = 0; r < result.Batch.Length; r++)
        {
            var value = Cell(result.Batch, "claims", r);
            Assert.True(value is null ? result.IsSuppressed(r, "claims") : (long)value >= 10, $"row {r}: {value}");
        }
    }

    [Fact]
    public void The_same_patients_with_a_few_of_their_rows_left_out_are_refused()
    {
        // A patient with several receipts: leaving out one of them keeps the cohort the same but would give that
        // claim's points away by subtracting two sums.
        var receipts = fixture.Dataset.Table("receipts");
        var (patient, points) = receipts.Partitions
            .SelectMany(p => Enumerable.Range(0, p.RowCount).Select(r => (Patient: p.Column("patient_id").Values<int>()[r], Points: p.Column("total_points").Values<int>()[r])))
            .GroupBy(r => r.Patient).Where(g => g.Count() >= 3 && g.Select(r => r.Points).Distinct().Count() == g.Count())
            .Select(g => (g.Key, g.First().Points)).First();
        const string all = """{"from": "receipts", "select": [{"sum": "total_points", "as": "points"}]}""";
        var allButOne = $$$"""{"from": "receipts", "where": {"not": {"and": [{"col": "patient_id", "eq": {{{patient}}}}, {"col": "total_points", "eq": {{{points}}}}]}}, "select": [{"sum": "total_points", "as": "points"}]}""";
        var ledger = fixture.NewLedger();
        Apply(all, ledger);
        Apply(all, ledger);
        var error = Assert.Throws<DisclosureException>(() => Apply(allButOne, ledger));
        Assert.Contains("covers the same patients as release 1", error.Message);
        Assert.Contains("rows of 1 patient", error.Message);
        Assert.Equal(2, ledger.Releases("study").Count);
        // The ledger read back from its files refuses it too.
        Assert.Throws<DisclosureException>(() => Apply(allButOne, new ReleaseLedger(ledger.Directory)));
    }
}
