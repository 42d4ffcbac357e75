namespace Claims.Engine.Linkage;

/// <summary>
/// Disjoint sets over dense node ids (union by rank, path halving): near-constant time per operation and
/// 5 bytes a node (an int parent and a byte rank), grown as nodes are added.
/// </summary>
internal sealed class UnionFind
{
    private int[] _parent = new int[1024];
    private byte[] _rank = new byte[1024];

    public int Count { get; private set; }

    /// <summary>A new singleton set; its id is the number of nodes added before it.</summary>
    public int Add()
    {
        if (Count == _parent.Length)
        {
            var size = checked(_parent.Length * 2);
            Array.Resize(ref _parent, size);
            Array.Resize(ref _rank, size);
        }
        _parent[Count] = Count;
        return Count++;
    }

    public int Find(int node)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)node, (uint)Count, nameof(node));
        while (_parent[node] != node)
        {
            // Path halving: each step points a node at its grandparent, flattening the tree as it is walked.
            _parent[node] = _parent[_parent[node]];
            node = _parent[node];
        }
        return node;
    }

    /// <summary>Merges the sets of <paramref name="a"/> and <paramref name="b"/>; returns the root of the union.</summary>
    public int Union(int a, int b)
    {
        a = Find(a);
        b = Find(b);
        if (a == b) return a;
        if (_rank[a] < _rank[b]) (a, b) = (b, a);
        _parent[b] = a;
        if (_rank[a] == _rank[b]) _rank[a]++;
        return a;
    }
}
