using Claims.Engine.Sharding;
using Claims.Testing;

namespace Claims.Cli.Tests;

public class ShardCommandTests
{
    [Fact]
    public void Shard_writes_shard_datasets_and_a_cluster_manifest_and_each_shard_is_queryable()
    {
        using var temp = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("generate", "--out", temp.Combine("ds"), "--persons", "400", "--from", "202301", "--months", "2", "--seed", "3").ExitCode);
        var (code, output, error) = CliRunner.Run("shard", "--data", temp.Combine("ds"), "--out", temp.Combine("cluster"), "--shards", "3");
        Assert.True(code == 0, error);
        Assert.Contains("wrote 3 shards and cluster.json", output);
        Assert.Contains("shard-02", output);
        Assert.Equal(3, ClusterManifest.Read(temp.Combine("cluster")).Shards.Count);
        File.WriteAllText(temp.Combine("q.json"), """{"from": "receipts", "select": [{"count": "*", "as": "n"}]}""");
        var counts = new long[3];
        for (var s = 0; s < 3; s++)
        {
            (code, output, error) = CliRunner.Run("query", "--data", temp.Combine("cluster", $"shard-0{s}"), "--query", temp.Combine("q.json"), "--format", "csv");
            Assert.True(code == 0, error);
            counts[s] = long.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1]);
        }
        (_, output, _) = CliRunner.Run("query", "--data", temp.Combine("ds"), "--query", temp.Combine("q.json"), "--format", "csv");
        Assert.Equal(long.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1]), counts.Sum());
        Assert.All(counts, n => Assert.True(n > 0));
    }

    [Fact]
    public void Bad_shard_counts_and_unlinked_data_are_clear_errors()
    {
        using var temp = new TempDirectory();
        new RandomDataset { Seed = 4, Months = 1, RowsPerPartition = 200 }.Write(temp.Combine("ds"));
        var (code, _, error) = CliRunner.Run("shard", "--data", temp.Combine("ds"), "--out", temp.Combine("c"), "--shards", "2");
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("is not linked", error);
        (code, _, error) = CliRunner.Run("shard", "--data", temp.Combine("ds"), "--out", temp.Combine("c"), "--shards", "0");
        Assert.Equal(ClaimsCli.BadInput, code);
        Assert.Contains("between 1 and 1024, not 0", error);
    }
}
