using System.Diagnostics;
using Apache.Arrow;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;
using Claims.Engine.Tests.Privacy;
using Claims.SyntheticGen;
using Claims.Testing;

namespace Claims.Engine.Tests.Sharding;

/// <summary>
/// What review 30 broke: a split kept every column file of every partition open, the source's and each shard's, so
/// it died of "too many open files" at Debian's default limit of 1,024 even for one shard; and each shard drew new
/// cell keys, so the same question on a copy released fresh noise to average. And what the keys carried over make
/// possible: disclosure control over the merged shards releases exactly what the unsplit dataset releases.
/// </summary>
public sealed class ShardLimitsTests(RestrictedFixture fixture) : IClassFixture<RestrictedFixture>, IDisposable
{
    private readonly TempDirectory _temp = new("claims-shard-limits");

    [Fact]
    public async Task A_split_into_many_shards_of_many_months_runs_under_a_limit_of_400_open_files()
    {
        Generator.Run(new GenerateOptions { Out = _temp.Combine("ds"), Persons = 300, From = 202301, Months = 12, Seed = 9 });
        var start = ChildProgram.StartInfo(ShardChild.Verb, _temp.Combine("ds"), _temp.Combine("cluster"), "24");
        // The same command under bash with the limit lowered. Kept open, 7 tables × 12 months × their columns took
        // about 2,200 files for the source and one shard, and 24 shards about 26,000; bounded, the split peaks near
        // 260 in the CLI's process, most of them the runtime's own.
        var shell = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        shell.ArgumentList.Add("-c");
        shell.ArgumentList.Add("ulimit -n 400 && exec \"$0\" \"$@\"");
        shell.ArgumentList.Add(start.FileName);
        foreach (var arg in start.ArgumentList) shell.ArgumentList.Add(arg);
        using var child = Process.Start(shell)!;
        var error = child.StandardError.ReadToEndAsync();
        await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        Assert.True(child.ExitCode == 0, await error);
        var manifest = ClusterManifest.Read(_temp.Combine("cluster"));
        Assert.Equal(24, manifest.Shards.Count);
        using var source = Dataset.Open(_temp.Combine("ds"));
        Assert.Equal(source.Table("procedures").RowCount, manifest.Shards.Sum(s => s.Rows["procedures"]));
    }

    [Fact]
    public void A_shard_keys_its_records_as_its_source_so_a_copy_releases_the_same_figures()
    {
        DatasetShards.Write(fixture.Dataset, _temp.Combine("one"), 1);
        DatasetShards.Write(fixture.Dataset, _temp.Combine("three"), 3);
        using var copy = Dataset.Open(_temp.Combine("one", "shard-00"));
        using var third = Dataset.Open(_temp.Combine("three", "shard-02"));
        var secret = new byte[32];
        new Random(3).NextBytes(secret);
        var keys = new RecordKeys(secret, fixture.Dataset.Manifest, "p");
        Assert.All(new[] { copy, third }, shard =>
        {
            var shardKeys = new RecordKeys(secret, shard.Manifest, "p");
            Assert.All(Enumerable.Range(0, 500), id => Assert.Equal(keys.Record(id), shardKeys.Record(id)));
        });

        const string json = """{"from": "receipts", "groupBy": ["sex", "age_band"], "select": [{"count": "*", "as": "n"}, {"sum": "total_points", "as": "s"}, {"countDistinct": "patient_id", "as": "p"}]}""";
        string Released(Dataset dataset) => Dump(DisclosureControl.Apply(dataset, QueryParser.Parse(json, dataset.Schema),
            new DisclosureRequest("p", fixture.NewLedger(3), json, DisclosurePolicy.Default, long.MaxValue)).Batch);
        Assert.Equal(Released(fixture.Dataset), Released(copy));
    }

    [Theory]
    [InlineData("""{"from": "receipts", "groupBy": ["sex", "age_band"], "select": [{"count": "*", "as": "n"}, {"sum": "total_points", "as": "s"}, {"countDistinct": "patient_id", "as": "p"}]}""")]
    [InlineData("""{"from": "receipts", "where": {"col": "age", "ge": 40}, "groupBy": ["sex"], "select": [{"avg": "actual_days", "as": "d"}, {"count": "admission_date", "as": "a"}]}""")]
    [InlineData("""{"from": "receipts", "select": [{"sum": "total_points", "as": "s"}, {"countDistinct": "patient_id", "as": "p"}]}""")]
    [InlineData("""{"from": "checkups", "groupBy": ["sex"], "select": [{"avg": "hba1c", "as": "h"}, {"count": "hba1c", "as": "measured"}]}""")]
    [InlineData("""{"from": "drugs", "groupBy": ["drug_class"], "select": [{"sum": "points", "as": "s"}, {"countDistinct": "patient_id", "as": "p"}]}""")]
    public void Disclosure_control_over_merged_shards_releases_what_the_unsplit_dataset_releases(string json)
    {
        DatasetShards.Write(fixture.Dataset, _temp.Combine("three"), 3);
        var shards = ClusterManifest.Read(_temp.Combine("three")).Open(_temp.Combine("three"));
        try
        {
            var query = QueryParser.Parse(json, fixture.Dataset.Schema);
            DisclosedResult Released(Func<DisclosureRequest, DisclosedResult> apply) =>
                apply(new DisclosureRequest("p", fixture.NewLedger(7), json, DisclosurePolicy.Default, long.MaxValue));
            var whole = Released(request => DisclosureControl.Apply(fixture.Dataset, query, request));
            var merged = Released(request => DisclosureControl.Apply(shards, query, request, ExecutionOptions.Default));
            Assert.True(whole.Batch.Length > 0, "nothing released to compare");
            Assert.Equal(Dump(whole.Batch), Dump(merged.Batch));
            Assert.Equal(whole.Rules, merged.Rules);
            Assert.Equal(whole.Suppressed, merged.Suppressed);
        }
        finally
        {
            foreach (var shard in shards) shard.Dispose();
        }
    }

    [Fact]
    public void Shards_of_different_datasets_or_splits_and_incomplete_splits_are_refused()
    {
        DatasetShards.Write(fixture.Dataset, _temp.Combine("a"), 2);
        Generator.Run(new GenerateOptions { Out = _temp.Combine("other"), Persons = 200, From = 202304, Months = 1, Seed = 2, Access = DatasetAccess.Restricted });
        var shards = ClusterManifest.Read(_temp.Combine("a")).Open(_temp.Combine("a"));
        using var other = Dataset.Open(_temp.Combine("other"));
        try
        {
            const string json = """{"from": "receipts", "select": [{"count": "*", "as": "n"}]}""";
            var error = Assert.Throws<ClaimsException>(() => DisclosureControl.Apply([shards[0], other], QueryParser.Parse(json, other.Schema),
                new DisclosureRequest("p", fixture.NewLedger(), json, DisclosurePolicy.Default, long.MaxValue), ExecutionOptions.Default));
            Assert.Contains("these come from different datasets", error.Message);
            // Two splits of one dataset share its keys; mixed, or with a shard left out or given twice, they are refused.
            DatasetShards.Write(fixture.Dataset, _temp.Combine("b"), 3);
            var others = ClusterManifest.Read(_temp.Combine("b")).Open(_temp.Combine("b"));
            try
            {
                foreach (var mixed in new[] { [shards[0], others[1]], [shards[0], shards[0]], others.Take(2).ToArray() })
                    Assert.Contains("over every shard of one split, each once", Assert.Throws<ClaimsException>(() => DisclosureControl.Apply(mixed, QueryParser.Parse(json, other.Schema),
                        new DisclosureRequest("p", fixture.NewLedger(), json, DisclosurePolicy.Default, long.MaxValue), ExecutionOptions.Default)).Message);
            }
            finally
            {
                foreach (var shard in others) shard.Dispose();
            }
        }
        finally
        {
            foreach (var shard in shards) shard.Dispose();
        }
    }

    private static string Dump(RecordBatch batch) => string.Join("\n", Enumerable.Range(0, batch.Length).Select(r =>
        string.Join(" | ", Enumerable.Range(0, batch.ColumnCount).Select(c => batch.Column(c) switch
        {
            var a when a.IsNull(r) => "x",
            Int64Array i => i.GetValue(r).ToString(),
            DoubleArray d => d.GetValue(r).ToString(),
            var other => other.GetType().Name,
        }))));

    public void Dispose() => _temp.Dispose();
}
