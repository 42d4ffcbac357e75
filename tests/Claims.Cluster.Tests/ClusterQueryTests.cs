using System.Globalization;
using System.Text.Json;
using Apache.Arrow;
using Claims.Cluster.Coordinator;
using Claims.Engine;
using Claims.Engine.Cohorts;
using Claims.Engine.Extracts;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;
using Claims.Modelling.Reports;
using Claims.Modelling.Spec;
using Claims.Modelling.Training;
using Claims.SyntheticGen;
using Claims.Testing;
using Orleans.Runtime;

namespace Claims.Cluster.Tests;

/// <summary>
/// The cluster against the single node: six shards on three silos answer the oracle's random queries, and release
/// under disclosure control, exactly as the unsplit dataset does in one process.
/// </summary>
[Collection(ClusterData.Name)]
public sealed class ClusterQueryTests(ClusterFixture fixture)
{
    [Fact]
    public void Random_queries_through_three_silos_equal_the_single_node_engine()
    {
        var (cluster, _) = fixture.Open();
        using var _ = cluster;
        var generator = new RandomQueries(fixture.Dataset.Schema, fixture.Samples(), seed: 1616);
        var nonEmpty = 0;
        for (var i = 0; i < 40; i++)
        {
            var c = generator.Next();
            var expected = Rows(fixture.Dataset.Execute(c.Json));
            var actual = Rows(cluster.Execute(c.Json));
            if (expected.Count > 0) nonEmpty++;
            if (!c.Ordered)
            {
                expected.Sort(StringComparer.Ordinal);
                actual.Sort(StringComparer.Ordinal);
            }
            Assert.True(expected.SequenceEqual(actual), $"query {i}: {c.Json}\nsingle node:\n{string.Join("\n", expected)}\ncluster:\n{string.Join("\n", actual)}");
        }
        Assert.True(nonEmpty >= 30, $"only {nonEmpty} of 40 queries returned rows");
    }

    [Fact]
    public async Task Six_shards_spread_two_to_each_of_three_silos()
    {
        var (cluster, _) = fixture.Open();
        using var _ = cluster;
        cluster.Execute("""{"from": "receipts", "select": [{"count": "*", "as": "n"}]}""");
        var placed = (await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics())
            .Where(s => s.GrainType.Contains("ShardGrain", StringComparison.Ordinal) && s.GrainId.ToString().Contains(fixture.ClusterDirectory, StringComparison.Ordinal))
            .GroupBy(s => s.SiloAddress).Select(g => g.Count()).Order().ToArray();
        Assert.Equal([2, 2, 2], placed);
    }

    [Theory]
    [InlineData("""{"from": "receipts", "groupBy": ["sex", "age_band"], "select": [{"count": "*", "as": "n"}, {"sum": "total_points", "as": "s"}, {"countDistinct": "patient_id", "as": "p"}]}""")]
    [InlineData("""{"from": "receipts", "where": {"col": "age", "ge": 40}, "groupBy": ["sex"], "select": [{"avg": "actual_days", "as": "d"}, {"count": "admission_date", "as": "a"}]}""")]
    [InlineData("""{"from": "receipts", "select": [{"sum": "total_points", "as": "s"}, {"countDistinct": "patient_id", "as": "p"}]}""")]
    [InlineData("""{"from": "checkups", "groupBy": ["sex"], "select": [{"avg": "hba1c", "as": "h"}, {"count": "hba1c", "as": "measured"}]}""")]
    [InlineData("""{"from": "drugs", "groupBy": ["drug_class"], "select": [{"sum": "points", "as": "s"}, {"countDistinct": "patient_id", "as": "p"}], "orderBy": [{"col": "s", "desc": true}], "limit": 5}""")]
    [InlineData("""{"from": "diagnoses", "groupBy": ["icd10"], "select": [{"count": "*", "as": "n"}]}""")]
    public void Disclosure_control_on_the_merged_result_equals_single_node_disclosure_control(string json)
    {
        var (cluster, _) = fixture.Open();
        using var _ = cluster;
        DisclosedResult Released(Func<DisclosureRequest, DisclosedResult> apply) =>
            apply(new DisclosureRequest("p", fixture.NewLedger(7), json, DisclosurePolicy.Default, long.MaxValue));
        var single = Released(request => DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(json, fixture.Dataset.Schema), request));
        var merged = Released(request => DisclosureControl.Apply(cluster, json, request));
        Assert.True(single.Batch.Length > 0, "nothing released to compare");
        Assert.Equal(Rows(single.Batch), Rows(merged.Batch));
        Assert.Equal(single.Rules, merged.Rules);
        Assert.Equal(single.Suppressed, merged.Suppressed);
    }

    [Fact]
    public void A_project_s_period_releases_through_the_cluster_what_it_releases_on_one_node()
    {
        const string json = """{"from": "receipts", "groupBy": ["sex"], "select": [{"sum": "total_points", "as": "s"}, {"count": "*", "as": "n"}]}""";
        var (cluster, _) = fixture.Open();
        using var _ = cluster;
        var months = new MonthRange(202305, 202306);
        var single = DisclosureControl.Apply(fixture.Dataset.Period(months), QueryParser.Parse(json, fixture.Dataset.Schema),
            new DisclosureRequest("p", fixture.NewLedger(9), json, DisclosurePolicy.Default, long.MaxValue));
        var merged = DisclosureControl.Apply(cluster.Period(months), json, new DisclosureRequest("p", fixture.NewLedger(9), json, DisclosurePolicy.Default, long.MaxValue));
        Assert.Equal(Rows(single.Batch), Rows(merged.Batch));
        // Not the whole dataset's answer: the period reached the shards.
        Assert.NotEqual(Rows(fixture.Dataset.Execute(json)), Rows(cluster.Period(months).Execute(json)));
        Assert.Equal(Rows(fixture.Dataset.Period(months).Execute(json)), Rows(cluster.Period(months).Execute(json)));
    }

    [Fact]
    public void A_query_the_shards_cannot_bind_fails_naming_what_is_wrong_and_the_cluster_keeps_answering()
    {
        var (cluster, _) = fixture.Open();
        using var _ = cluster;
        var error = Assert.Throws<QueryException>(() => cluster.Execute("""{"from": "receipts", "select": [{"sum": "no_such", "as": "s"}]}"""));
        Assert.Contains("no_such", error.Message);
        Assert.Equal(Rows(fixture.Dataset.Execute("""{"from": "receipts", "select": [{"count": "*", "as": "n"}]}""")),
            Rows(cluster.Execute("""{"from": "receipts", "select": [{"count": "*", "as": "n"}]}""")));
    }

    [Fact]
    public void Random_cohorts_with_their_attrition_and_disclosure_and_an_extract_through_three_silos_equal_the_single_node_s()
    {
        var (cluster, _) = fixture.Open();
        using var _ = cluster;
        var generator = new RandomCohorts(fixture.Dataset.Schema, new RandomQueries(fixture.Dataset.Schema, fixture.Samples(), seed: 16), seed: 1616);
        var nonEmpty = 0;
        for (var i = 0; i < 40; i++)
        {
            var json = generator.Next(i).Json;
            Cohort single;
            try
            {
                single = fixture.Dataset.BuildCohort(json);
            }
            catch (QueryException refused)
            {
                // A definition restricted data refuses (filtering by an identifying column) is refused alike, before any shard is asked.
                Assert.Equal(refused.Message, Assert.Throws<QueryException>(() => cluster.BuildCohort(json)).Message);
                continue;
            }
            var merged = cluster.BuildCohort(json);
            if (single.Count > 0) nonEmpty++;
            Assert.True(single.Attrition.SequenceEqual(merged.Attrition), $"cohort {i}: {json}");
            Assert.Equal(Members(single), Members(merged));
            DisclosedCohort Released(Func<DisclosureRequest, DisclosedCohort> apply) => apply(new DisclosureRequest("p", fixture.NewLedger(3), json, DisclosurePolicy.Default, long.MaxValue));
            Assert.Equal(Released(r => CohortDisclosure.Apply(fixture.Dataset, single, r)).Attrition, Released(r => CohortDisclosure.Apply(cluster, merged, r)).Attrition);
        }
        Assert.True(nonEmpty >= 8, $"only {nonEmpty} of 40 cohorts had members");

        const string women = """{"name": "women", "entry": {"table": "receipts"}, "inclusion": [{"name": "women", "sex": 2}], "exit": {"afterDays": 60}}""";
        using var folders = new TempDirectory("claims-cluster-extract");
        var request = new ExtractRequest
        {
            Project = "p", Key = new byte[32], Tables = ["receipts", "drugs", "checkups"], Format = ExtractFormat.Csv, OutDirectory = folders.Combine("one"),
            CohortDefinitionJson = women, BatchRows = 100,
        };
        var one = CohortExtract.Write(fixture.Dataset, fixture.Dataset.BuildCohort(women), request);
        var many = CohortExtract.Write(cluster, cluster.BuildCohort(women), request with { OutDirectory = folders.Combine("many") });
        Assert.All(one.Files, f => Assert.True(f.Rows > 50, $"{f.Table}: {f.Rows} rows"));
        Assert.Equal(one.Files.Select(f => (f.Table, f.Rows)), many.Files.Select(f => (f.Table, f.Rows)));
        foreach (var file in one.Files)
            Assert.Equal(File.ReadLines(folders.Combine("one", file.File)).Order(StringComparer.Ordinal), File.ReadLines(folders.Combine("many", file.File)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_model_trained_through_three_silos_is_the_single_node_s()
    {
        // Public data, so every figure is exact (the released ones are held against one node by ModelShardsTests): the
        // fixture's twin, split into a folder the silos serve.
        const string spec = """
            {"name": "an admission within two months",
             "target": {"name": "everyone with a month behind them", "entry": {"table": "receipts", "occurrence": "every"}, "priorObservationMonths": 1},
             "outcome": {"table": "receipts", "where": {"col": "admission_date", "isNull": false}, "startDays": 1, "endDays": 60},
             "features": {"diagnoses": "letter", "drugs": true, "checkups": ["hba1c"], "windows": [[-30, -1]], "minMembers": 20},
             "model": {"kind": "lightGbm", "leaves": 4, "minMembersPerLeaf": 30, "iterations": 20},
             "split": {"testFraction": 0.3, "seed": 2}}
            """;
        var root = Path.GetDirectoryName(fixture.ClusterDirectory)!;
        var twin = Path.Combine(root, "public-" + Guid.NewGuid().ToString("N")[..8]);
        Generator.Run(new GenerateOptions { Out = Path.Combine(twin, "data"), Persons = 2_000, From = 202304, Months = 4, Seed = 41 });
        using var whole = Dataset.Open(Path.Combine(twin, "data"));
        DatasetShards.Write(whole, Path.Combine(twin, "split"), ClusterFixture.Shards);
        using var cluster = ShardedDataset.Open(Path.Combine(twin, "split"), new GrainTransport(fixture.Cluster.Client));
        var parsed = ModelSpecParser.Parse(spec, whole.Schema);
        var one = ModelRun.Train(whole, parsed, Path.Combine(twin, "one"));
        var many = ModelRun.Train(cluster, parsed, Path.Combine(twin, "many"));
        Assert.True(one.Metrics is { AucRoc: > 0.5 } && one.Features.Count > 10, $"a model of AUC {one.Metrics?.AucRoc} on {one.Features.Count} features says little");
        Assert.Equal(Without(one), Without(many));
        Assert.Equal(File.ReadAllBytes(Path.Combine(twin, "one", ModelRun.OnnxFile)), File.ReadAllBytes(Path.Combine(twin, "many", ModelRun.OnnxFile)));
    }

    /// <summary>A report as JSON without where its data were read from and how long it took.</summary>
    private static string Without(ModelReport report) => JsonSerializer.Serialize(report with { Dataset = "", ElapsedSeconds = 0 });

    /// <summary>Each member with its index and exit months.</summary>
    internal static List<(int, int, int)> Members(Cohort cohort)
    {
        var members = new List<(int, int, int)>();
        foreach (var patient in cohort.Patients) members.Add((patient, cohort.IndexMonth(patient), cohort.ExitMonth(patient)));
        return members;
    }

    /// <summary>Each row as text, floats to 12 significant digits (sums of floats depend on the order of addition).</summary>
    internal static List<string> Rows(RecordBatch batch) =>
        [.. Enumerable.Range(0, batch.Length).Select(r => string.Join(" | ", Enumerable.Range(0, batch.ColumnCount).Select(c =>
            ArrowValues.Value(batch.Column(c), r) switch
            {
                null => "NULL",
                double d => d.ToString("G12", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                var v => v.ToString(),
            })))];
}
