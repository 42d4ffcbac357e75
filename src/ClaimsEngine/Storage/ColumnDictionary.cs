using System.Buffers.Binary;
using System.Text;

namespace Claims.Engine.Storage;

/// <summary>
/// The sorted UTF-8 dictionary of a code or string column, read in place from the mapped file. Because it is
/// sorted, equality is one id and a prefix is one contiguous id range.
/// </summary>
public sealed unsafe class ColumnDictionary
{
    private readonly byte* _offsets;
    private readonly byte* _bytes;
    private readonly long _bytesLength;
    private readonly string?[] _decoded;

    internal ColumnDictionary(byte* section, long available, string file)
    {
        if (available < 8) throw new StoreException(file, "dictionary section is truncated");
        Count = BinaryPrimitives.ReadInt32LittleEndian(new ReadOnlySpan<byte>(section, 4));
        var offsetsLength = (Count + 1L) * 4;
        if (Count < 0 || 8 + offsetsLength > available) throw new StoreException(file, "dictionary section is corrupt");
        _offsets = section + 8;
        _bytes = _offsets + offsetsLength;
        _bytesLength = available - 8 - offsetsLength;
        if (Offset(Count) > _bytesLength) throw new StoreException(file, "dictionary section is corrupt");
        _decoded = new string?[Count];
    }

    public int Count { get; }

    private int Offset(int index) => BinaryPrimitives.ReadInt32LittleEndian(new ReadOnlySpan<byte>(_offsets + 4L * index, 4));

    public ReadOnlySpan<byte> Utf8(int id)
    {
        if ((uint)id >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(id), id, $"dictionary has {Count} entries");
        var start = Offset(id);
        return new ReadOnlySpan<byte>(_bytes + start, Offset(id + 1) - start);
    }

    /// <summary>The string of an id, decoded once and cached (the cache is safe to share between threads).</summary>
    public string this[int id] => _decoded[id] ??= Encoding.UTF8.GetString(Utf8(id));

    /// <summary>The id of <paramref name="value"/>, or -1 when the column never holds it.</summary>
    public int IdOf(string value)
    {
        var key = Encoding.UTF8.GetBytes(value);
        var at = LowerBound(key);
        return at < Count && Utf8(at).SequenceEqual(key) ? at : -1;
    }

    /// <summary>The ids [Start, End) of every value that starts with <paramref name="prefix"/>; empty when none does.</summary>
    public (int Start, int End) PrefixRange(string prefix)
    {
        var key = Encoding.UTF8.GetBytes(prefix);
        var start = LowerBound(key);
        int lo = start, hi = Count;
        while (lo < hi)
        {
            var mid = (int)(((uint)lo + (uint)hi) >> 1);
            if (Utf8(mid).StartsWith(key)) lo = mid + 1;
            else hi = mid;
        }
        return (start, lo);
    }

    /// <summary>The ids [Start, End) of every value v with low ≤ v ≤ high, comparing UTF-8 bytes as SQL's binary collation does.</summary>
    public (int Start, int End) Range(string low, string high)
    {
        var start = LowerBound(Encoding.UTF8.GetBytes(low));
        var key = Encoding.UTF8.GetBytes(high);
        int lo = start, hi = Count;
        while (lo < hi)
        {
            var mid = (int)(((uint)lo + (uint)hi) >> 1);
            if (Utf8(mid).SequenceCompareTo(key) <= 0) lo = mid + 1;
            else hi = mid;
        }
        return (start, Math.Max(start, lo));
    }

    /// <summary>The first id whose value is not less than <paramref name="key"/>.</summary>
    private int LowerBound(ReadOnlySpan<byte> key)
    {
        int lo = 0, hi = Count;
        while (lo < hi)
        {
            var mid = (int)(((uint)lo + (uint)hi) >> 1);
            if (Utf8(mid).SequenceCompareTo(key) < 0) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
