using System.Runtime.CompilerServices;
using Claims.Engine;
using Claims.Engine.Query;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;
using Claims.Modelling.Features;
using Orleans.Concurrency;

namespace Claims.Cluster.Grains;

/// <summary>
/// A shard's activation on the silo Orleans placed it on: it maps the shard's dataset on first use and keeps it
/// mapped while active, so each silo maps the shards whose grains it hosts. Reentrant: queries on one shard run side
/// by side (a dataset is read-only), each on the thread pool, so a long scan never holds the silo's grain scheduler.
/// Spread evenly over the silos (<see cref="ShardPlacement"/>).
/// </summary>
[Reentrant]
[ShardPlacement]
internal sealed class ShardGrain(ShardRoots roots, ShardExecution execution) : Grain, IShardGrain
{
    private Dataset? _shard;
    private int _scans;
    private bool _deactivating;

    public async Task<byte[]> Run(string work, CancellationToken cancellationToken)
    {
        var (parsed, shard) = Guarded(() => (ShardWork.Parse(work), Shard()));
        _scans++;
        try
        {
            return await Task.Run(() => Guarded(() => parsed.Kind == ShardWorkKind.ModelRows
                ? ModelShards.Rows(parsed, shard, cancellationToken)
                : parsed.Run(shard, execution.Options, cancellationToken)), cancellationToken);
        }
        finally
        {
            Release();
        }
    }

    /// <summary>Each part is made on the thread pool, one at a time, as the coordinator asks for it: a slow reader holds back the shard, not the silo.</summary>
    public async IAsyncEnumerable<byte[]> Stream(string work, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var parts = Guarded(() => ShardWork.Parse(work).Stream(Shard(), execution.Options, cancellationToken).GetEnumerator());
        _scans++;
        try
        {
            while (await Task.Run(() => Guarded(parts.MoveNext), cancellationToken)) yield return parts.Current;
        }
        finally
        {
            parts.Dispose();
            Release();
        }
    }

    private Dataset Shard() => _shard ??= roots.Open(this.GetPrimaryKeyString());

    private void Release()
    {
        // Turns of one activation never run at once, so the count needs no lock.
        if (--_scans == 0 && _deactivating) Close();
    }

    /// <summary>The engine's refusals as the fault a coordinator can tell from a lost silo: the damaged file's, or the shard's.</summary>
    private static T Guarded<T>(Func<T> work)
    {
        try
        {
            return work();
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

    /// <summary>Unmaps the shard once no scan reads it: a deactivation past Orleans' timeout would otherwise pull its pages from under a running scan.</summary>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deactivating = true;
        if (_scans == 0) Close();
        return Task.CompletedTask;
    }

    private void Close()
    {
        _shard?.Dispose();
        _shard = null;
    }
}

/// <summary>How a silo runs its shards' scans: threads and SIMD as <c>claims silo</c> was told (every core by default).</summary>
public sealed record ShardExecution(ExecutionOptions Options);

/// <summary>
/// The folders a silo serves shards from. A grain's key is a path anyone with a client could write, so a silo opens
/// only a shard dataset (written by <c>claims shard</c>) in a folder its cluster.json names, inside one of these, with
/// no symbolic link on the way that could lead elsewhere, and with the manifest its coordinator checked. A key it
/// will not serve is answered alike whatever the reason, so keys cannot probe the silo's folders.
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

    internal Dataset Open(string key)
    {
        var address = ShardAddress.Parse(key);
        var path = Path.TrimEndingDirectorySeparator(Path.GetFullPath(address.Directory));
        var cluster = Path.GetDirectoryName(path);
        var root = cluster is null ? null : _roots.FirstOrDefault(r => cluster == r || cluster.StartsWith(r + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        if (root is null || Linked(root, path) || !Named(cluster!, path)) throw NotServed(address);
        Dataset dataset;
        try
        {
            // The folder as checked, not as the key spells it: the system would follow a link before a "..".
            dataset = new ShardAddress(path, address.ManifestSha256).Open();
        }
        catch (IOException)
        {
            throw NotServed(address);
        }
        if (dataset.Manifest.Provenance.Source != DatasetShards.ShardSource)
        {
            dataset.Dispose();
            throw NotServed(address);
        }
        return dataset;
    }

    /// <summary>Whether a folder from below <paramref name="root"/> down to <paramref name="path"/> is a symbolic link.</summary>
    private static bool Linked(string root, string path)
    {
        for (var folder = path; folder.Length > root.Length; folder = Path.GetDirectoryName(folder)!)
            if (new DirectoryInfo(folder).LinkTarget is not null) return true;
        return false;
    }

    private static bool Named(string cluster, string path)
    {
        try
        {
            return ClusterManifest.Read(cluster).Shards.Any(s => Path.GetFullPath(Path.Combine(cluster, s.Path)) == path);
        }
        catch (Exception e) when (e is ClaimsException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static ClaimsException NotServed(ShardAddress address) => new($"shard {address} is not one this silo serves");
}
