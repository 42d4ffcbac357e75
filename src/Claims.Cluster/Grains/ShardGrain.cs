using Claims.Engine;
using Claims.Engine.Query;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;
using Orleans.Concurrency;
using Orleans.Placement;

namespace Claims.Cluster.Grains;

/// <summary>
/// A shard's activation on the silo Orleans placed it on: it maps the shard's dataset on first use and keeps it
/// mapped while active, so each silo maps the shards whose grains it hosts. Reentrant: queries on one shard run side
/// by side (a dataset is read-only), each on the thread pool, so a long scan never holds the silo's grain scheduler.
/// Placed at random among the silos: shards are alike in size, so spreading them evenly spreads the scanning, and a
/// silo added takes its share of new activations at once, where placement by load waits for statistics to reach it.
/// </summary>
[Reentrant]
[RandomPlacement]
internal sealed class ShardGrain(ShardRoots roots, ShardExecution execution) : Grain, IShardGrain
{
    private Dataset? _shard;

    public async Task<byte[]> Run(string work, CancellationToken cancellationToken)
    {
        try
        {
            var parsed = ShardWork.Parse(work);
            var shard = _shard ??= roots.Open(this.GetPrimaryKeyString());
            return await Task.Run(() => parsed.Run(shard, execution.Options, cancellationToken), cancellationToken);
        }
        catch (StoreException e)
        {
            throw new ShardFailedException(e.Message[(e.File.Length + 2)..], e.File);
        }
        catch (ClaimsException e)
        {
            throw new ShardFailedException(e.Message, null);
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _shard?.Dispose();
        _shard = null;
        return Task.CompletedTask;
    }
}

/// <summary>How a silo runs its shards' scans: threads and SIMD as <c>claims silo</c> was told (every core by default).</summary>
public sealed record ShardExecution(ExecutionOptions Options);

/// <summary>
/// The folders a silo serves shards from. A grain's key is a path anyone with a client could write, so a silo opens
/// only a dataset inside one of these, named by the folders' cluster manifests.
/// </summary>
public sealed class ShardRoots
{
    private readonly string[] _roots;

    public ShardRoots(IEnumerable<string> roots)
    {
        _roots = [.. roots.Select(r => Path.TrimEndingDirectorySeparator(Path.GetFullPath(r)))];
        if (_roots.Length == 0) throw new ClaimsException("a silo serves shards from at least one folder (--shards)");
        foreach (var root in _roots)
            if (!Directory.Exists(root)) throw new ClaimsException($"--shards: no folder '{root}'");
    }

    public IReadOnlyList<string> Folders => _roots;

    internal Dataset Open(string shard)
    {
        var path = Path.TrimEndingDirectorySeparator(Path.GetFullPath(shard));
        var cluster = Path.GetDirectoryName(path);
        if (cluster is null || !_roots.Any(root => cluster == root || cluster.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            throw new ClaimsException($"shard '{shard}' is not inside this silo's --shards folders");
        var manifest = ClusterManifest.Read(cluster);
        if (!manifest.Shards.Any(s => Path.GetFullPath(Path.Combine(cluster, s.Path)) == path))
            throw new ClaimsException($"shard '{shard}' is not one of the shards {Path.Combine(cluster, ClusterManifest.FileName)} names");
        return Dataset.Open(path);
    }
}
