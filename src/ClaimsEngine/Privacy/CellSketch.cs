using System.Buffers.Binary;

namespace Claims.Engine.Privacy;

/// <summary>
/// The records behind an asked cell, kept small enough to store for every cell a project asks: an invertible
/// Bloom lookup table (Goodrich and Mitzenmacher 2011) of the records' 64-bit keys. Subtracting two sketches and
/// peeling the result lists the records in one set and not the other whenever there are a few of them, so the
/// ledger can tell that two cells hold the same patients, or nearly, without keeping either set.
/// Four sub-tables of 32 slots, each record in one slot of each: two records share all four slots with chance
/// 2^−20, so a difference of 14 records (the most <see cref="CellHistory"/> asks about, 19 under the widest
/// <see cref="DisclosurePolicy.Margin"/>) peels but about once in 10,000 (more often at 19); a failure reads as "far apart", the safe side only for larger differences, which is the documented
/// residue.
/// </summary>
internal sealed class CellSketch
{
    private const int Tables = 4;
    private const int SlotBits = 5;
    private const int Slots = 1 << SlotBits;
    private const int Size = Tables * Slots;

    /// <summary>Bytes of one sketch on disk.</summary>
    public const int Bytes = sizeof(uint) + Size * (sizeof(int) + sizeof(ulong) + sizeof(uint));

    private readonly int[] _counts = new int[Size];
    private readonly ulong[] _keys = new ulong[Size];
    private readonly uint[] _checks = new uint[Size];

    /// <summary>The cell key of the records added: the sum of their low 32 bits, as <see cref="RecordKeys"/> keys cells.</summary>
    public uint Key { get; private set; }

    public void Add(ulong record)
    {
        Toggle(_counts, _keys, _checks, record, +1);
        Key += (uint)record;
    }

    /// <summary>
    /// The records in exactly one of the two sets, as their number and cell key (the sum of their low 32 bits, as
    /// <see cref="RecordKeys"/> keys cells), or null when there are more than <paramref name="limit"/> of them or
    /// they do not peel.
    /// </summary>
    public static (int Size, uint Key)? Difference(CellSketch a, CellSketch b, int limit)
    {
        // Each differing record moves one slot of the first table by one, so slots that differ by more in all than
        // the limit rule the pair out before any copying.
        var moved = 0L;
        for (var s = 0; s < Slots; s++) moved += Math.Abs((long)a._counts[s] - b._counts[s]);
        if (moved > limit) return null;

        Span<int> counts = stackalloc int[Size];
        Span<ulong> keys = stackalloc ulong[Size];
        Span<uint> checks = stackalloc uint[Size];
        for (var i = 0; i < Size; i++)
        {
            counts[i] = a._counts[i] - b._counts[i];
            keys[i] = a._keys[i] ^ b._keys[i];
            checks[i] = a._checks[i] ^ b._checks[i];
        }
        var size = 0;
        var key = 0u;
        for (var peeled = true; peeled;)
        {
            peeled = false;
            for (var i = 0; i < Size; i++)
            {
                if (counts[i] is not (1 or -1) || checks[i] != Check(keys[i]) || Slot(keys[i], i / Slots) != i) continue;
                var record = keys[i];
                Toggle(counts, keys, checks, record, -counts[i]);
                if (++size > limit) return null;
                key += (uint)record;
                peeled = true;
            }
        }
        for (var i = 0; i < Size; i++)
            if (counts[i] != 0 || keys[i] != 0 || checks[i] != 0) return null;
        return (size, key);
    }

    public void WriteTo(Span<byte> bytes)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, Key);
        for (var i = 0; i < Size; i++)
        {
            var slot = bytes[(sizeof(uint) + i * 16)..];
            BinaryPrimitives.WriteInt32LittleEndian(slot, _counts[i]);
            BinaryPrimitives.WriteUInt64LittleEndian(slot[4..], _keys[i]);
            BinaryPrimitives.WriteUInt32LittleEndian(slot[12..], _checks[i]);
        }
    }

    public static CellSketch Read(ReadOnlySpan<byte> bytes)
    {
        var sketch = new CellSketch { Key = BinaryPrimitives.ReadUInt32LittleEndian(bytes) };
        for (var i = 0; i < Size; i++)
        {
            var slot = bytes[(sizeof(uint) + i * 16)..];
            sketch._counts[i] = BinaryPrimitives.ReadInt32LittleEndian(slot);
            sketch._keys[i] = BinaryPrimitives.ReadUInt64LittleEndian(slot[4..]);
            sketch._checks[i] = BinaryPrimitives.ReadUInt32LittleEndian(slot[12..]);
        }
        return sketch;
    }

    private static void Toggle(Span<int> counts, Span<ulong> keys, Span<uint> checks, ulong record, int sign)
    {
        var check = Check(record);
        for (var t = 0; t < Tables; t++)
        {
            var i = Slot(record, t);
            counts[i] += sign;
            keys[i] ^= record;
            checks[i] ^= check;
        }
    }

    // Records are keyed hashes already; the low 32 bits key cells, so slots come from the high ones.
    private static int Slot(ulong record, int table) => table * Slots + (int)((record >> (32 + table * SlotBits)) & (Slots - 1));

    private static uint Check(ulong record)
    {
        var x = record * 0x9E3779B97F4A7C15UL;
        return (uint)((x ^ (x >> 31)) >> 16);
    }
}
