using System.Runtime.InteropServices;

namespace Claims.Engine.Linkage;

/// <summary>
/// Numbers distinct keys: each new key gets the next node of a <see cref="UnionFind"/>, so keys of any kind
/// (id1, guarded id2, id5) share one node space. A Dictionary entry of a 32-byte key costs about 48 bytes
/// (key, value, cached hash, next index) plus a 4-byte bucket, so ~52 bytes per distinct key.
/// </summary>
internal sealed class KeyTable<TKey>(UnionFind nodes) where TKey : struct, IEquatable<TKey>
{
    private readonly Dictionary<TKey, int> _nodes = [];

    public int Count => _nodes.Count;

    /// <summary>The key's node, created (as a singleton set) the first time the key is seen.</summary>
    public int GetOrAdd(in TKey key)
    {
        ref var node = ref CollectionsMarshal.GetValueRefOrAddDefault(_nodes, key, out var exists);
        if (!exists) node = nodes.Add();
        return node;
    }

    /// <summary>The key's node, or -1 if it was never added.</summary>
    public int Find(in TKey key) => _nodes.TryGetValue(key, out var node) ? node : -1;
}
