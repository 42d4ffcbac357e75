using Claims.Cluster.Grains;
using Claims.Engine;
using Claims.Engine.Sharding;
using Claims.Testing;

namespace Claims.Cluster.Tests;

/// <summary>
/// A grain's key is a path any client of the cluster could write: a silo opens only a shard named by a cluster.json
/// inside its folders, reached without a symbolic link, with the manifest its coordinator addressed, and answers
/// every other key alike (review 31).
/// </summary>
[Collection(ClusterData.Name)]
public sealed class ShardRootsTests(ClusterFixture fixture) : IDisposable
{
    private readonly TempDirectory _outside = new("claims-outside");

    [Fact]
    public void Only_a_shard_named_by_its_cluster_json_inside_the_silo_s_folders_is_opened()
    {
        var roots = new ShardRoots([Path.GetDirectoryName(fixture.ClusterDirectory)!]);
        var shard = Path.Combine(fixture.ClusterDirectory, "shard-02");
        var hash = ShardAddress.ManifestHashOf(shard);
        using (var opened = roots.Open(new ShardAddress(shard, hash).Key))
            Assert.Equal(shard, opened.Directory);

        Directory.CreateSymbolicLink(_outside.Combine("link"), fixture.ClusterDirectory);
        var linkedRoots = new ShardRoots([_outside.Path]);
        string[] refused =
        [
            new ShardAddress(Path.Combine(fixture.ClusterDirectory, "..", "..", "etc", "shard-02"), hash).Key,
            new ShardAddress(Path.Combine(fixture.ClusterDirectory, "shard-99"), hash).Key,
            new ShardAddress(Path.Combine(Path.GetDirectoryName(fixture.ClusterDirectory)!, "nowhere", "shard-00"), hash).Key,
            new ShardAddress(shard, new string('0', 64)).Key,
        ];
        var messages = refused.Select(key => Assert.Throws<ClaimsException>(() => roots.Open(key)).Message).ToList();
        messages.Add(Assert.Throws<ClaimsException>(() => linkedRoots.Open(new ShardAddress(Path.Combine(_outside.Path, "link", "shard-02"), hash).Key)).Message);
        // Alike for every folder that is not served, so keys cannot probe which exist; a shard changed since it was addressed says so.
        Assert.All(messages.Take(3).Append(messages[4]), m => Assert.EndsWith("is not one this silo serves", m));
        Assert.Contains("changed since its coordinator read it", messages[3]);
        Assert.Contains("'#' and its manifest's SHA-256", Assert.Throws<ClaimsException>(() => roots.Open(shard)).Message);
    }

    public void Dispose() => _outside.Dispose();
}
