using System.Text.Json.Nodes;
using Claims.Engine.Cohorts;
using Claims.Engine.Extracts;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;
using Claims.Engine.Tests.Extracts;
using Claims.Engine.Tests.Privacy;
using Claims.SyntheticGen;
using Claims.Testing;

namespace Claims.Engine.Tests.Sharding;

/// <summary>
/// The coordinator's side of the cluster without Orleans: a transport in this process, which each test can make
/// misbehave as a broken or hostile host would (review 31). A split dataset is refused unless it is what cluster.json
/// says; a shard changed under its address is refused; answers that are not what was asked are named, without the
/// shard's exact figures; and the caps are sampled from the rows the question reads.
/// </summary>
public sealed class ShardedDatasetTests(RestrictedFixture fixture) : IClassFixture<RestrictedFixture>, IDisposable
{
    private const string Sum = """{"from": "receipts", "groupBy": ["sex"], "select": [{"sum": "total_points", "as": "s"}, {"count": "*", "as": "n"}]}""";

    private readonly TempDirectory _temp = new("claims-sharded");

    [Fact]
    public void Through_a_transport_it_releases_what_the_unsplit_dataset_releases_and_samples_caps_by_the_rows_asked()
    {
        DatasetShards.Write(fixture.Dataset, _temp.Combine("c"), 3);
        var transport = new InProcessShards();
        using var cluster = ShardedDataset.Open(_temp.Combine("c"), transport);
        DisclosedResult Released(Func<DisclosureRequest, DisclosedResult> apply) => apply(new DisclosureRequest("p", fixture.NewLedger(4), Sum, DisclosurePolicy.Default, long.MaxValue));
        Assert.Equal(Dump(Released(r => DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(Sum, fixture.Dataset.Schema), r)).Batch),
            Dump(Released(r => DisclosureControl.Apply(cluster, Sum, r)).Batch));
        Assert.Equal(fixture.Dataset.Table("receipts").RowCount, Assert.Single(transport.Asked, w => w.Kind == ShardWorkKind.CapSample).Rows);

        var months = new MonthRange(202305, 202305);
        transport.Asked.Clear();
        DisclosureControl.Apply(cluster.Period(months), Sum, new DisclosureRequest("p", fixture.NewLedger(4), Sum, DisclosurePolicy.Default, long.MaxValue));
        Assert.Equal(fixture.Dataset.Period(months).Table("receipts").RowCount, Assert.Single(transport.Asked, w => w.Kind == ShardWorkKind.CapSample).Rows);
        Assert.All(transport.Asked, w => Assert.Equal(months, w.Period));
    }

    [Fact]
    public void A_split_that_is_not_what_cluster_json_says_is_refused()
    {
        DatasetShards.Write(fixture.Dataset, _temp.Combine("a"), 2);
        DatasetShards.Write(fixture.Dataset, _temp.Combine("b"), 2);
        string Refused(string cluster) => Assert.Throws<StoreException>(() => ShardedDataset.Open(cluster, new InProcessShards())).Message;

        // Rows that are not the shard's own would size the caps' samples wrongly (review 31: every sum changed).
        Edit(_temp.Combine("a"), json => json["shards"]![0]!["rows"]!["receipts"] = 1_000_000_000_000);
        Assert.Contains("rows of shard-00's receipts are not the shard's own", Refused(_temp.Combine("a")));
        Edit(_temp.Combine("a"), json => json["shards"]![0]!["rows"]!["receipts"] = JsonValue.Create(fixture.Dataset.Table("receipts").RowCount));

        // A shard outside the cluster's folder.
        Edit(_temp.Combine("b"), json => json["shards"]![1]!["path"] = "../a/shard-01");
        Assert.Contains("is not a folder of the cluster's own", Refused(_temp.Combine("b")));

        // A cluster.json naming another split than its shards'.
        Edit(_temp.Combine("b"), json => json["shards"]![1]!["path"] = "shard-01");
        Edit(_temp.Combine("b"), json => json["sourceManifestSha256"] = new string('0', 64));
        Assert.Contains("not every shard of its split", Refused(_temp.Combine("b")));

        // And a shard is not split again: its shards would claim to be a whole split of a part.
        using var shard = Dataset.Open(_temp.Combine("a", "shard-00"));
        Assert.Contains("is itself a shard", Assert.Throws<ClaimsException>(() => DatasetShards.Write(shard, _temp.Combine("again"), 2)).Message);
    }

    [Fact]
    public void A_shard_split_again_under_its_address_is_refused_and_another_schema_too()
    {
        DatasetShards.Write(fixture.Dataset, _temp.Combine("c"), 2);
        using var cluster = ShardedDataset.Open(_temp.Combine("c"), new InProcessShards());
        Directory.Delete(_temp.Combine("c"), recursive: true);
        Generator.Run(new GenerateOptions { Out = _temp.Combine("small"), Persons = 100, From = 202304, Months = 1, Seed = 3, Access = DatasetAccess.Restricted });
        using (var small = Dataset.Open(_temp.Combine("small"))) DatasetShards.Write(small, _temp.Combine("c"), 2);
        Assert.Contains("changed since its coordinator read it", Assert.Throws<ClaimsException>(() => cluster.Execute(Sum)).Message);

        using var shard = Dataset.Open(_temp.Combine("c", "shard-00"));
        var work = new ShardWork(ShardWorkKind.Partial, Sum, SchemaHash: new string('a', 64));
        Assert.Contains("is not this host's", Assert.Throws<ClaimsException>(() => work.Run(shard, ExecutionOptions.Default)).Message);
    }

    [Fact]
    public void A_shard_without_a_period_s_months_answers_nothing_and_the_period_answers_as_on_one_node()
    {
        // Few persons over many months in many shards: some shard holds no claim of some month. At two or three persons
        // a shard that is near certain; at five a shard (8 shards) a redraw of the data had every shard claim every month.
        Generator.Run(new GenerateOptions { Out = _temp.Combine("few"), Persons = 40, From = 202301, Months = 12, Seed = 5, Access = DatasetAccess.Restricted });
        using var few = Dataset.Open(_temp.Combine("few"));
        DatasetShards.Write(few, _temp.Combine("c"), 16);
        using var cluster = ShardedDataset.Open(_temp.Combine("c"), new InProcessShards());
        var gaps = cluster.Shards.Select(a => Dataset.Open(a.Directory)).ToList();
        var month = Enumerable.Range(202301, 12).First(m => gaps.Any(g => !g.Table("receipts").Partitions.Any(p => p.Key == m)));
        gaps.ForEach(g => g.Dispose());
        var months = new MonthRange(month, month);
        const string count = """{"from": "receipts", "groupBy": ["sex"], "select": [{"count": "*", "as": "n"}, {"sum": "total_points", "as": "s"}]}""";
        Assert.Equal(Dump(few.Period(months).Execute(count)), Dump(cluster.Period(months).Execute(count)));
        Assert.Equal(Dump(DisclosureControl.Apply(few.Period(months), QueryParser.Parse(count, few.Schema), new DisclosureRequest("p", fixture.NewLedger(2), count, DisclosurePolicy.Default, long.MaxValue)).Batch),
            Dump(DisclosureControl.Apply(cluster.Period(months), count, new DisclosureRequest("p", fixture.NewLedger(2), count, DisclosurePolicy.Default, long.MaxValue)).Batch));
        Assert.Contains("holds none of the dataset's months", Assert.Throws<ClaimsException>(() => cluster.Period(new MonthRange(201901, 201902))).Message);
    }

    [Theory]
    [InlineData("partial")]
    [InlineData("nan")]
    [InlineData("odd")]
    [InlineData("missing")]
    [InlineData("cohort-cut")]
    [InlineData("cohort-foreign")]
    [InlineData("cohort-none")]
    [InlineData("cohort-huge")]
    [InlineData("cohort-unnested")]
    [InlineData("cohort-twice")]
    public void Answers_that_are_not_what_was_asked_are_named_as_the_cluster_s_fault_without_the_shard_s_figures(string broken)
    {
        DatasetShards.Write(fixture.Dataset, _temp.Combine("c"), 2);
        ShardedDataset? cluster = null;
        // Answers of the definition's two steps about a patient shard 1 holds: the second step keeps what the first took
        // out, or the first names the patient twice.
        byte[] Steps(int[] first, int[] second)
        {
            var patient = Enumerable.Range(0, 1_000).First(p => cluster!.ShardOf(p) == 1);
            int[] words = [2, first.Length, .. first.Select(_ => patient), second.Length, .. second.Select(_ => patient), 1, patient, 202304, 202305];
            return [.. words.SelectMany(BitConverter.GetBytes)];
        }
        var transport = new InProcessShards
        {
            Spoil = (work, answers) => (broken, work.Kind) switch
            {
                ("partial", ShardWorkKind.MeasuredPartial) or ("cohort-cut", ShardWorkKind.Cohort) => [answers[0], answers[1][..^3]],
                ("nan", ShardWorkKind.CapSample) => [answers[0], BitConverter.GetBytes(double.NaN)],
                ("odd", ShardWorkKind.CapSample) => [answers[0], [.. answers[1], 1, 2, 3]],
                ("missing", _) => [answers[0]],
                ("cohort-foreign", ShardWorkKind.Cohort) => [answers[0], answers[0]],
                ("cohort-none", ShardWorkKind.Cohort) => [answers[0], BitConverter.GetBytes(0)],
                // Four bytes that would ask for a billion steps' patient sets, were the count believed.
                ("cohort-huge", ShardWorkKind.Cohort) => [answers[0], BitConverter.GetBytes(1_000_000_000)],
                ("cohort-unnested", ShardWorkKind.Cohort) => [answers[0], Steps([], [1])],
                ("cohort-twice", ShardWorkKind.Cohort) => [answers[0], Steps([1, 1], [1])],
                _ => answers,
            },
        };
        using (cluster = ShardedDataset.Open(_temp.Combine("c"), transport))
        {
            var error = Assert.Throws<ShardsUnavailableException>(() =>
            {
                if (broken.StartsWith("cohort", StringComparison.Ordinal)) cluster.BuildCohort(Adults);
                else DisclosureControl.Apply(cluster, Sum, new DisclosureRequest("p", fixture.NewLedger(), Sum, DisclosurePolicy.Default, long.MaxValue));
            });
            Assert.Contains(broken == "missing" ? "answered 1 of 2 shards" : "shard-01", error.Message);
            // The reader's own words quote the partial's counts; the caller gets none of them.
            Assert.DoesNotMatch(@"\d{2,}", error.Message.Replace("shard-01", ""));
        }
    }

    private static void Edit(string folder, Action<JsonNode> edit)
    {
        var path = Path.Combine(folder, ClusterManifest.FileName);
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    [Fact]
    public void Cohorts_their_disclosure_and_extracts_through_a_transport_are_the_unsplit_dataset_s()
    {
        DatasetShards.Write(fixture.Dataset, _temp.Combine("c"), 3);
        var transport = new InProcessShards();
        using var cluster = ShardedDataset.Open(_temp.Combine("c"), transport);
        var months = new MonthRange(202304, 202304);
        foreach (var (whole, split) in new[] { (fixture.Dataset, cluster), (fixture.Dataset.Period(months), cluster.Period(months)) })
        {
            var single = whole.BuildCohort(Adults);
            var merged = split.BuildCohort(Adults);
            Assert.True(single.Count > 100, $"a cohort of {single.Count} says little");
            Assert.Equal(single.Attrition, merged.Attrition);
            Assert.Equal(single.StepPatients.Select(Members), merged.StepPatients.Select(Members));
            Assert.Equal(Members(single.Patients).Select(p => (p, single.IndexMonth(p), single.ExitMonth(p))),
                Members(merged.Patients).Select(p => (p, merged.IndexMonth(p), merged.ExitMonth(p))));

            DisclosedCohort Released(Func<DisclosureRequest, DisclosedCohort> apply) => apply(new DisclosureRequest("p", fixture.NewLedger(4), Adults, DisclosurePolicy.Default, long.MaxValue));
            Assert.Equal(Released(r => CohortDisclosure.Apply(whole, single, r)).Attrition, Released(r => CohortDisclosure.Apply(split, merged, r)).Attrition);

            var request = ExtractCrashTests.Request(_temp.Combine("one"), "p", ["receipts", "drugs"]) with { Format = ExtractFormat.Csv, BatchRows = 50, CohortDefinitionJson = Adults };
            var one = CohortExtract.Write(whole, single, request);
            var many = CohortExtract.Write(split, merged, request with { OutDirectory = _temp.Combine("many") });
            Assert.Equal(one.Files.Select(f => (f.Table, f.Rows)), many.Files.Select(f => (f.Table, f.Rows)));
            Assert.Equal(one.Dataset.Months, many.Dataset.Months);
            foreach (var file in one.Files)
                Assert.Equal(Lines(_temp.Combine("one", file.File)), Lines(_temp.Combine("many", file.File)));
        }
        // Follow-up ends at the view's last month of receipts over every shard, which the shards are told.
        Assert.Equal([202304, 202305], transport.Streamed.Select(w => w.DataEnd).Distinct().Order());
    }

    [Fact]
    public void An_extract_of_a_cohort_the_shards_do_not_build_from_its_definition_is_refused_and_nothing_is_published()
    {
        DatasetShards.Write(fixture.Dataset, _temp.Combine("c"), 3);
        using var cluster = ShardedDataset.Open(_temp.Combine("c"), new InProcessShards());
        var other = cluster.BuildCohort("""{"name": "everyone", "entry": {"table": "receipts"}}""");
        var request = ExtractCrashTests.Request(_temp.Combine("out"), "p", ["receipts"]) with { CohortDefinitionJson = Adults };
        Assert.Contains("is not the cohort given", Assert.Throws<ClaimsException>(() => CohortExtract.Write(cluster, other, request)).Message);
        Assert.False(File.Exists(_temp.Combine("out", "manifest.json")));
    }

    [Fact]
    public void A_stream_resumed_after_parts_already_received_sends_the_rest_and_the_work_prints_without_its_key()
    {
        DatasetShards.Write(fixture.Dataset, _temp.Combine("c"), 2);
        var cluster = ClusterManifest.Read(_temp.Combine("c"));
        using var shard = cluster.Open(_temp.Combine("c"), fixture.Dataset.Schema)[0];
        var work = new ShardWork(ShardWorkKind.ExtractRows, Adults, "receipts", Rows: 40, SchemaHash: shard.Schema.Hash, DataEnd: 202305, Project: "p",
            Key: Convert.ToBase64String(new byte[32]));
        var all = work.Stream(shard, ExecutionOptions.Default).ToList();
        Assert.True(all.Count > 4, $"{all.Count} parts");
        Assert.Equal(all.Skip(3), (work with { Skip = 3 }).Stream(shard, ExecutionOptions.Default));
        Assert.Contains("needs the data's last month", Assert.Throws<ClaimsException>(() => (work with { DataEnd = 0 }).Stream(shard, ExecutionOptions.Default).ToList()).Message);

        Assert.DoesNotContain(work.Key!, work.ToString());
    }

    private const string Adults = """{"name": "adults", "entry": {"table": "receipts"}, "inclusion": [{"name": "aged 40 or more", "age": [40, 120]}], "exit": {"afterDays": 30}}""";

    private static List<int> Members(PatientSet set)
    {
        var members = new List<int>();
        foreach (var patient in set) members.Add(patient);
        return members;
    }

    /// <summary>A CSV extract's rows in order (the cluster writes shard after shard), its header first.</summary>
    private static string[] Lines(string path)
    {
        var lines = File.ReadAllLines(path);
        return [lines[0], .. lines.Skip(1).Order(StringComparer.Ordinal)];
    }

    private static string Dump(Apache.Arrow.RecordBatch batch) => string.Join("\n", Enumerable.Range(0, batch.Length).Select(r =>
        string.Join(" | ", Enumerable.Range(0, batch.ColumnCount).Select(c => ArrowValues.Value(batch.Column(c), r)?.ToString() ?? "NULL"))));

    public void Dispose() => _temp.Dispose();
}
