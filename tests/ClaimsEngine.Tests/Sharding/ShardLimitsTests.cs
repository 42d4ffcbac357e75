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
/// cell keys, so the same question on a copy released fresh noise to average.
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
