namespace Claims.Engine.Query;

/// <summary>
/// A set of small non-negative integers (patient ids, code numbers) by open addressing: a group's countDistinct adds
/// one per row, and <see cref="HashSet{T}"/> of long spent most of a grouped restricted query in its comparer,
/// bucket links and 24 bytes a value. Slots hold value + 1, so a zeroed array is empty; at most half are full.
/// </summary>
internal sealed class SparseSet
{
    private const int MinCapacity = 16;
    private int[] _slots;
    private int _shift;

    public SparseSet() : this(MinCapacity)
    {
    }

    private SparseSet(int capacity)
    {
        _slots = new int[capacity];
        _shift = 32 - int.Log2(capacity);
    }

    public int Count { get; private set; }

    /// <summary>Bytes a value takes: 4 a slot, at a load between a quarter and a half.</summary>
    public const int BytesPerValue = 12;

    public SparseSet Copy()
    {
        var copy = new SparseSet(_slots.Length) { Count = Count };
        _slots.CopyTo(copy._slots, 0);
        return copy;
    }

    /// <summary>Adds <paramref name="value"/> (0 to int.MaxValue − 1); false when it was there already.</summary>
    public bool Add(long value)
    {
        if ((ulong)value >= int.MaxValue) throw new ArgumentOutOfRangeException(nameof(value), value, "a sparse set holds 0 to int.MaxValue - 1");
        var stored = (int)value + 1;
        var mask = _slots.Length - 1;
        // Fibonacci hashing: consecutive ids (the patients of one cell are often near) spread over the table.
        for (var slot = (int)((uint)stored * 0x9E3779B9u >> _shift); ; slot = (slot + 1) & mask)
        {
            var found = _slots[slot];
            if (found == stored) return false;
            if (found != 0) continue;
            _slots[slot] = stored;
            if (++Count * 2 > _slots.Length) Grow();
            return true;
        }
    }

    public Enumerator GetEnumerator() => new(_slots);

    private void Grow()
    {
        var old = _slots;
        _slots = new int[old.Length * 2];
        _shift--;
        Count = 0;
        foreach (var stored in old)
            if (stored != 0) Add(stored - 1);
    }

    public struct Enumerator(int[] slots)
    {
        private int _index = -1;

        public readonly long Current => slots[_index] - 1L;

        public bool MoveNext()
        {
            while (++_index < slots.Length)
                if (slots[_index] != 0) return true;
            return false;
        }
    }
}
