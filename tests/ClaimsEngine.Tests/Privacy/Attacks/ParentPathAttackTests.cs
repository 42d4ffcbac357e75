using Apache.Arrow;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;
using Claims.Testing;
using Xunit.Abstractions;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// Attack review 35: the line-item-through-receipt paths ({"parent": …} and receipts.* group keys) on
/// restricted data: identifying receipt columns, odd input, the same patients reached two ways, and the shard path.
/// </summary>
public sealed class ParentPathAttackTests(RestrictedFixture fixture, ITestOutputHelper output) : IClassFixture<RestrictedFixture>, IDisposable
{
    private readonly TempDirectory _temp = new("claims-parent-paths");

    public void Dispose() => _temp.Dispose();

    private DisclosedResult Apply(string json, ReleaseLedger ledger, string project = "r35") =>
        DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(json, fixture.Dataset.Schema),
            new DisclosureRequest(project, ledger, json, DisclosurePolicy.Default, long.MaxValue));

    [Theory]
    [InlineData("receipts.patient_id")]
    [InlineData("receipts.facility_id")]
    [InlineData("receipts.birth_ym")]
    [InlineData("receipts.receipt_id")]
    [InlineData("receipts.id1")]
    [InlineData("receipts.id5")]
    public void Identifying_receipt_columns_cannot_be_group_keys_of_lines(string key)
    {
        var json = $$"""{"from": "drugs", "groupBy": ["{{key}}"], "select": [{"count": "*", "as": "n"}]}""";
        var e = Record.Exception(() => Apply(json, fixture.NewLedger()));
        output.WriteLine($"{key}: {e?.GetType().Name}: {e?.Message}");
        Assert.IsType<QueryException>(e);
    }

    [Theory]
    [InlineData("""{"col": "patient_id", "eq": 5}""")]
    [InlineData("""{"col": "facility_id", "eq": 5}""")]
    [InlineData("""{"col": "birth_ym", "eq": 195001}""")]
    [InlineData("""{"col": "receipt_id", "eq": 5}""")]
    [InlineData("""{"col": "id1", "isNull": true}""")]
    [InlineData("""{"not": {"col": "id5", "isNull": false}}""")]
    [InlineData("""{"exists": {"from": "drugs", "where": {"col": "prescriber_id", "eq": 3}}}""")]
    [InlineData("""{"exists": {"from": "drugs", "where": {"parent": {"where": {"col": "patient_id", "eq": 3}}}}}""")]
    public void Parent_tests_on_identifying_columns_are_refused(string test)
    {
        var json = "{\"from\": \"drugs\", \"where\": {\"parent\": {\"where\": " + test + "}}, \"select\": [{\"count\": \"*\", \"as\": \"n\"}]}";
        var e = Record.Exception(() => Apply(json, fixture.NewLedger()));
        output.WriteLine($"{test}: {e?.GetType().Name}: {e?.Message}");
        Assert.IsType<QueryException>(e);
    }

    [Theory]
    [InlineData("""{"from": "receipts", "where": {"parent": {"where": {"col": "sex", "eq": 1}}}, "select": [{"count": "*", "as": "n"}]}""")]
    [InlineData("""{"from": "drugs", "where": {"parent": {"where": {"parent": {"where": {"col": "sex", "eq": 1}}}}}, "select": [{"count": "*", "as": "n"}]}""")]
    [InlineData("""{"from": "drugs", "where": {"parent": {}}, "select": [{"count": "*", "as": "n"}]}""")]
    [InlineData("""{"from": "drugs", "where": {"parent": {"where": {"col": "code", "eq": "x"}}}, "select": [{"count": "*", "as": "n"}]}""")]
    [InlineData("""{"from": "drugs", "where": {"parent": null}, "select": [{"count": "*", "as": "n"}]}""")]
    [InlineData("""{"from": "drugs", "where": {"parent": {"where": {"col": "sex", "eq": 1}, "from": "receipts"}}, "select": [{"count": "*", "as": "n"}]}""")]
    [InlineData("""{"from": "drugs", "groupBy": ["receipts."], "select": [{"count": "*", "as": "n"}]}""")]
    [InlineData("""{"from": "drugs", "groupBy": ["receipts.age_band"], "select": [{"count": "*", "as": "n"}]}""")]
    [InlineData("""{"from": "drugs", "groupBy": ["receipts.receipts.sex"], "select": [{"count": "*", "as": "n"}]}""")]
    [InlineData("""{"from": "receipts", "groupBy": ["receipts.sex"], "select": [{"count": "*", "as": "n"}]}""")]
    [InlineData("""{"from": "checkups", "groupBy": ["receipts.sex"], "select": [{"count": "*", "as": "n"}]}""")]
    [InlineData("""{"from": "population", "where": {"parent": {"where": {"col": "sex", "eq": 1}}}, "select": [{"count": "*", "as": "n"}]}""")]
    [InlineData("""{"from": "drugs", "groupBy": ["receipts.sex", "receipts.sex"], "select": [{"count": "*", "as": "n"}]}""")]
    [InlineData("""{"from": "drugs", "groupBy": ["receipts.admission_date"], "select": [{"count": "*", "as": "n"}]}""")]
    [InlineData("""{"from": "drugs", "groupBy": ["receipts.dpc_code", "receipts.prefecture", "receipts.sex", "receipts.age"], "select": [{"sum": "points", "as": "n"}, {"avg": "quantity", "as": "q"}]}""")]
    [InlineData("""{"from": "dpc", "groupBy": ["receipts.dpc_code"], "select": [{"count": "*", "as": "n"}]}""")]
    [InlineData("""{"from": "drugs", "groupBy": ["receipts.sex"], "orderBy": [{"col": "receipts.sex"}], "select": [{"count": "*", "as": "n"}]}""")]
    public void Odd_input_is_a_query_error_or_a_release_never_another_exception(string json)
    {
        Exception? e = null;
        try
        {
            var result = Apply(json, fixture.NewLedger());
            output.WriteLine($"released {result.Batch.Length} rows");
        }
        catch (Exception ex) { e = ex; }
        output.WriteLine($"{json}\n  -> {e?.GetType().Name}: {e?.Message}");
        Assert.True(e is null or QueryException or ClaimsException, $"{e?.GetType().Name}: {e?.Message}");
    }

    /// <summary>
    /// The same patients reached through drugs grouped by their receipts' sex and through receipts with an exists
    /// on drugs grouped by sex: one cell (same key, same noise), so the two give one figure, never two looks.
    /// And a parent test vs the equivalent exists: same patient set, same figure.
    /// </summary>
    [Fact]
    public void The_same_patients_through_a_parent_key_and_through_exists_show_one_figure()
    {
        var ledger = fixture.NewLedger(7);
        var viaParent = Apply("""{"from": "drugs", "where": {"parent": {"where": {"col": "age", "between": [70, 74]}}}, "groupBy": ["receipts.sex"], "select": [{"countDistinct": "patient_id", "as": "p"}]}""", ledger);
        var viaExists = Apply("""{"from": "receipts", "where": {"and": [{"col": "age", "between": [70, 74]}, {"exists": {"from": "drugs"}}]}, "groupBy": ["sex"], "select": [{"countDistinct": "patient_id", "as": "p"}]}""", ledger);
        var truth = fixture.Dataset.Execute("""{"from": "receipts", "where": {"and": [{"col": "age", "between": [70, 74]}, {"exists": {"from": "drugs"}}]}, "groupBy": ["sex"], "select": [{"countDistinct": "patient_id", "as": "p"}]}""");
        var fresh = Apply("""{"from": "receipts", "where": {"and": [{"col": "age", "between": [70, 74]}, {"exists": {"from": "drugs"}}]}, "groupBy": ["sex"], "select": [{"countDistinct": "patient_id", "as": "p"}]}""", fixture.NewLedger(7), "other");
        for (var r = 0; r < viaParent.Batch.Length; r++)
            output.WriteLine($"parent: sex {ArrowValues.Value(viaParent.Batch.Column(0), r)} p {Analyst.Value(viaParent.Batch.Column(1), r)}");
        for (var r = 0; r < viaExists.Batch.Length; r++)
            output.WriteLine($"exists: sex {ArrowValues.Value(viaExists.Batch.Column(0), r)} p {Analyst.Value(viaExists.Batch.Column(1), r)}");
        for (var r = 0; r < truth.Length; r++)
            output.WriteLine($"truth: sex {ArrowValues.Value(truth.Column(0), r)} p {ArrowValues.Value(truth.Column(1), r)}");
        for (var r = 0; r < fresh.Batch.Length; r++)
            output.WriteLine($"other project: sex {ArrowValues.Value(fresh.Batch.Column(0), r)} p {Analyst.Value(fresh.Batch.Column(1), r)}");
        Assert.Equal(Dump(viaParent.Batch), Dump(viaExists.Batch));
    }

    /// <summary>A sharded release of a receipts.* grouped drug query equals the unsplit dataset's, figure for figure.</summary>
    [Fact]
    public void A_sharded_release_with_receipt_keys_is_the_unsplit_one()
    {
        DatasetShards.Write(fixture.Dataset, _temp.Combine("three"), 3);
        var shards = Enumerable.Range(0, 3).Select(i => Dataset.Open(_temp.Combine("three", $"shard-0{i}"))).ToList();
        try
        {
            const string json = """{"from": "drugs", "where": {"parent": {"where": {"col": "claim_kind", "in": [1, 2]}}}, "groupBy": ["receipts.prefecture", "receipts.sex"], "select": [{"count": "*", "as": "n"}, {"sum": "points", "as": "s"}, {"countDistinct": "patient_id", "as": "p"}]}""";
            var one = DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(json, fixture.Dataset.Schema),
                new DisclosureRequest("p", fixture.NewLedger(3), json, DisclosurePolicy.Default, long.MaxValue));
            var split = DisclosureControl.Apply(shards, QueryParser.Parse(json, fixture.Dataset.Schema),
                new DisclosureRequest("p", fixture.NewLedger(3), json, DisclosurePolicy.Default, long.MaxValue), ExecutionOptions.Default);
            output.WriteLine($"{one.Batch.Length} rows unsplit, {split.Batch.Length} split");
            Assert.Equal(Dump(one.Batch), Dump(split.Batch));
            // Exact answers too (the partials' receipt keys merge across shards).
            var exact = fixture.Dataset.Execute(json);
            var exactSplit = shards.Select(s => s.Execute(json)).Sum(b => b.Length);
            output.WriteLine($"exact groups {exact.Length}, sum of shard groups {exactSplit}");
        }
        finally
        {
            foreach (var s in shards) s.Dispose();
        }
    }

    private static string Dump(RecordBatch batch) =>
        string.Join("\n", Enumerable.Range(0, batch.Length).Select(r =>
            string.Join(",", Enumerable.Range(0, batch.ColumnCount).Select(c => ArrowValues.Value(batch.Column(c), r)?.ToString() ?? "?"))));
}
