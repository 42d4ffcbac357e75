using System.Text;

namespace Claims.Engine.Storage;

/// <summary>
/// Assigns ids to strings in arrival order while a partition is written; at sealing, sorts the strings by their
/// UTF-8 bytes and gives the map from arrival ids to sorted ids, so that ids compare as the strings do.
/// </summary>
internal sealed class DictionaryBuilder
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _values = [];

    public int Count => _values.Count;

    public int IdOf(string value)
    {
        if (!_ids.TryGetValue(value, out var id))
        {
            id = _values.Count;
            _ids.Add(value, id);
            _values.Add(value);
        }
        return id;
    }

    /// <summary>The sorted UTF-8 values and, for each arrival id, its sorted id.</summary>
    public (byte[][] Sorted, int[] Remap) Seal()
    {
        var utf8 = _values.Select(Encoding.UTF8.GetBytes).ToArray();
        var order = Enumerable.Range(0, utf8.Length).ToArray();
        Array.Sort(order, (a, b) => utf8[a].AsSpan().SequenceCompareTo(utf8[b]));
        var remap = new int[order.Length];
        var sorted = new byte[order.Length][];
        for (var rank = 0; rank < order.Length; rank++)
        {
            remap[order[rank]] = rank;
            sorted[rank] = utf8[order[rank]];
        }
        return (sorted, remap);
    }
}
