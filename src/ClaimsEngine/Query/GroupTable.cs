using System.Buffers.Binary;
using System.Collections.Concurrent;
using Claims.Engine.Storage;

namespace Claims.Engine.Query;

/// <summary>Up to four group-by values; long.MinValue stands for NULL.</summary>
internal readonly record struct GroupKey4(long A, long B, long C, long D)
{
    public const long Null = long.MinValue;

    public long this[int i] => i switch { 0 => A, 1 => B, 2 => C, _ => D };
}

/// <summary>The running aggregates of one group.</summary>
internal sealed class GroupState(int aggregates)
{
    public long Rows;

    /// <summary>The group's number in its scan worker's table, from 1, where the dense group-by made it (0 elsewhere): see <see cref="LastGroups"/>.</summary>
    public int Ordinal { get; init; }

    public readonly long[] NonNull = new long[aggregates];
    // Int128: a sum of int64 values (ids, say) overflows a long, as SQL's HUGEINT sums know.
    public readonly Int128[] LongSum = new Int128[aggregates];
    public readonly double[] DoubleSum = new double[aggregates];
    public readonly long[] LongMin = Enumerable.Repeat(long.MaxValue, aggregates).ToArray();
    public readonly long[] LongMax = Enumerable.Repeat(long.MinValue, aggregates).ToArray();
    public readonly double[] DoubleMin = Enumerable.Repeat(double.PositiveInfinity, aggregates).ToArray();
    public readonly double[] DoubleMax = Enumerable.Repeat(double.NegativeInfinity, aggregates).ToArray();
    /// <summary>Distinct values past <see cref="DistinctBitsLimit"/> (hash numbers, large ids).</summary>
    public readonly HashSet<long>?[] Distinct = new HashSet<long>?[aggregates];

    /// <summary>
    /// Distinct small values while they are few for their range: a group of 500 patients among a million would
    /// otherwise hold a 128 KB bitset, and a grouped restricted query thousands of them per thread.
    /// </summary>
    public readonly SparseSet?[] Sparse = new SparseSet?[aggregates];

    /// <summary>Distinct small non-negative integers (dense patient ids) as bits once they are many: far cheaper than a hash set.</summary>
    public readonly ulong[]?[] DistinctBits = new ulong[]?[aggregates];

    private readonly long[] _sparseMax = new long[aggregates];

    /// <summary>Each unit's (patient's) own total of a sum or average with <see cref="Aggregate.PerUnit"/>; a NULL unit is <see cref="GroupKey4.Null"/>.</summary>
    public readonly Dictionary<long, double>?[] UnitTotals = new Dictionary<long, double>?[aggregates];

    public const long DistinctBitsLimit = 1L << 28;

    public void AddUnitTotal(int aggregate, long unit, double value) =>
        System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(UnitTotals[aggregate] ??= [], unit, out _) += value;

    /// <summary>The aggregate's sum with each unit's total clipped to ±<paramref name="cap"/>: the most one unit moves it by.</summary>
    public double Clipped(int aggregate, double cap)
    {
        var sum = 0.0;
        if (UnitTotals[aggregate] is { } totals) foreach (var total in totals.Values) sum += Math.Clamp(total, -cap, cap);
        return sum;
    }

    public void AddDistinct(int aggregate, long value)
    {
        if ((ulong)value >= DistinctBitsLimit)
        {
            (Distinct[aggregate] ??= []).Add(value);
            return;
        }
        if (DistinctBits[aggregate] is null)
        {
            var sparse = Sparse[aggregate] ??= new SparseSet();
            if (!sparse.Add(value)) return;
            _sparseMax[aggregate] = Math.Max(_sparseMax[aggregate], value);
            // A set of n values in a range of m takes about 12n bytes, a bitset m / 8: bits once n passes m / 96.
            if ((long)sparse.Count * SparseSet.BytesPerValue * 8 <= _sparseMax[aggregate] + 1) return;
            ToBits(aggregate);
            return;
        }
        SetBit(aggregate, value);
    }

    /// <summary>
    /// Adds the values of the <paramref name="present"/> rows, which the block's zone bounds to [<paramref name="min"/>,
    /// <paramref name="max"/>]: when they are many for their range (a countDistinct of patients over a table), the bits
    /// are sized once for the block and set without a test per row.
    /// </summary>
    public void AddDistinct<T>(int aggregate, ReadOnlySpan<T> values, ReadOnlySpan<ulong> present, long rows, long min, long max)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        var dense = min >= 0 && max < DistinctBitsLimit && (DistinctBits[aggregate] is not null || rows * SparseSet.BytesPerValue * 8 > max + 1);
        if (!dense)
        {
            foreach (var i in Kernels.Bitmap.SetBits(present)) AddDistinct(aggregate, long.CreateTruncating(values[i]));
            return;
        }
        ToBits(aggregate);
        ref var bits = ref DistinctBits[aggregate]!;
        if ((max >> 6) >= bits.Length) Array.Resize(ref bits, (int)Math.Max((max >> 6) + 1, bits.Length * 2L));
        foreach (var i in Kernels.Bitmap.SetBits(present))
        {
            var value = long.CreateTruncating(values[i]);
            bits[(int)(value >> 6)] |= 1UL << (int)value;
        }
    }

    private void SetBit(int aggregate, long value)
    {
        var word = (int)(value >> 6);
        ref var bits = ref DistinctBits[aggregate];
        if (bits is null || word >= bits.Length) Array.Resize(ref bits, Math.Max(word + 1, (bits?.Length ?? 0) * 2));
        bits[word] |= 1UL << (int)(value & 63);
    }

    /// <summary>Moves the sparse values into bits, where every later small value goes.</summary>
    private void ToBits(int aggregate)
    {
        DistinctBits[aggregate] ??= new ulong[(int)(_sparseMax[aggregate] >> 6) + 1];
        if (Sparse[aggregate] is not { } sparse) return;
        foreach (var value in sparse) SetBit(aggregate, value);
        Sparse[aggregate] = null;
    }

    /// <summary>The three holders never overlap: a value goes to one by its range, and small ones to bits once there are bits.</summary>
    public long DistinctCount(int aggregate) =>
        (Distinct[aggregate]?.Count ?? 0) + (Sparse[aggregate]?.Count ?? 0) + (DistinctBits[aggregate] is { } bits ? Kernels.Bitmap.PopCount(bits) : 0);

    /// <summary>Every distinct value of a countDistinct aggregate, each once, in no particular order.</summary>
    public void ForEachDistinct(int aggregate, Action<long> visit)
    {
        if (Distinct[aggregate] is { } set) foreach (var value in set) visit(value);
        if (Sparse[aggregate] is { } sparse) foreach (var value in sparse) visit(value);
        if (DistinctBits[aggregate] is { } bits) foreach (var value in Kernels.Bitmap.SetBits(bits)) visit(value);
    }

    public GroupState Copy()
    {
        var copy = new GroupState(NonNull.Length) { Rows = Rows };
        NonNull.CopyTo(copy.NonNull, 0);
        LongSum.CopyTo(copy.LongSum, 0);
        DoubleSum.CopyTo(copy.DoubleSum, 0);
        LongMin.CopyTo(copy.LongMin, 0);
        LongMax.CopyTo(copy.LongMax, 0);
        DoubleMin.CopyTo(copy.DoubleMin, 0);
        DoubleMax.CopyTo(copy.DoubleMax, 0);
        _sparseMax.CopyTo(copy._sparseMax, 0);
        for (var i = 0; i < NonNull.Length; i++)
        {
            copy.Distinct[i] = Distinct[i] is { } set ? [.. set] : null;
            copy.Sparse[i] = Sparse[i]?.Copy();
            copy.DistinctBits[i] = (ulong[]?)DistinctBits[i]?.Clone();
            copy.UnitTotals[i] = UnitTotals[i] is { } totals ? new Dictionary<long, double>(totals) : null;
        }
        return copy;
    }

    /// <summary>Replaces each distinct value v of an aggregate by <paramref name="map"/>[v] (codes moving to another table's numbers).</summary>
    public void Renumber(int aggregate, int[] map)
    {
        var values = new List<long>();
        ForEachDistinct(aggregate, values.Add);
        (Distinct[aggregate], Sparse[aggregate], DistinctBits[aggregate], _sparseMax[aggregate]) = (null, null, null, 0);
        foreach (var value in values) AddDistinct(aggregate, map[(int)value]);
    }

    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(Rows);
        for (var i = 0; i < NonNull.Length; i++)
        {
            writer.Write(NonNull[i]);
            writer.Write((ulong)(LongSum[i] >> 64));
            writer.Write((ulong)LongSum[i]);
            writer.Write(DoubleSum[i]);
            writer.Write(LongMin[i]);
            writer.Write(LongMax[i]);
            writer.Write(DoubleMin[i]);
            writer.Write(DoubleMax[i]);
            // Trailing zero words carry nothing: a patient bitset is as long as the highest patient id seen anywhere.
            var bits = DistinctBits[i] ?? [];
            var used = bits.Length;
            while (used > 0 && bits[used - 1] == 0) used--;
            writer.Write(used);
            for (var w = 0; w < used; w++) writer.Write(bits[w]);
            // Large and sparse values alike: the reader sends each where its own state puts it.
            writer.Write((Distinct[i]?.Count ?? 0) + (Sparse[i]?.Count ?? 0));
            if (Distinct[i] is { } set) foreach (var value in set) writer.Write(value);
            if (Sparse[i] is { } sparse) foreach (var value in sparse) writer.Write(value);
            writer.Write(UnitTotals[i]?.Count ?? 0);
            foreach (var (unit, total) in UnitTotals[i] ?? [])
            {
                writer.Write(unit);
                writer.Write(total);
            }
        }
    }

    public static GroupState ReadFrom(BinaryReader reader, int aggregates)
    {
        var state = new GroupState(aggregates) { Rows = reader.ReadInt64() };
        if (state.Rows < 0) throw new InvalidDataException($"a group of {state.Rows} rows");
        for (var i = 0; i < aggregates; i++)
        {
            state.NonNull[i] = reader.ReadInt64();
            if (state.NonNull[i] < 0 || state.NonNull[i] > state.Rows) throw new InvalidDataException($"{state.NonNull[i]} values in a group of {state.Rows} rows");
            state.LongSum[i] = new Int128(reader.ReadUInt64(), reader.ReadUInt64());
            state.DoubleSum[i] = reader.ReadDouble();
            state.LongMin[i] = reader.ReadInt64();
            state.LongMax[i] = reader.ReadInt64();
            state.DoubleMin[i] = reader.ReadDouble();
            state.DoubleMax[i] = reader.ReadDouble();
            var words = reader.ReadInt32();
            if (words is < 0 or > (int)(DistinctBitsLimit / 64)) throw new InvalidDataException($"a distinct bitset of {words} words");
            if (words > 0)
            {
                var bits = state.DistinctBits[i] = new ulong[words];
                for (var w = 0; w < words; w++) bits[w] = reader.ReadUInt64();
            }
            // Added, not assigned: a value in the bits' range goes to the bits, so the two never overlap.
            var distinct = reader.ReadInt32();
            if (distinct < 0) throw new InvalidDataException($"a distinct set of {distinct} values");
            for (var v = 0; v < distinct; v++)
            {
                var value = reader.ReadInt64();
                // Written apart from bits only past their range: one inside it would grow the bits to its size.
                if (words > 0 && (ulong)value < DistinctBitsLimit) throw new InvalidDataException($"a listed distinct value {value} inside the bits' range");
                state.AddDistinct(i, value);
            }
            if (state.DistinctCount(i) > state.NonNull[i]) throw new InvalidDataException($"{state.DistinctCount(i)} distinct values among {state.NonNull[i]}");
            // Each unit with a total has at least one value; a total that is no number would clip to the cap unseen.
            var units = reader.ReadInt32();
            if (units < 0 || units > state.NonNull[i]) throw new InvalidDataException($"{units} units' totals among {state.NonNull[i]} values");
            for (var u = 0; u < units; u++)
            {
                var unit = reader.ReadInt64();
                var total = reader.ReadDouble();
                if (!double.IsFinite(total)) throw new InvalidDataException($"unit {unit}'s total is {total}");
                if (!(state.UnitTotals[i] ??= []).TryAdd(unit, total)) throw new InvalidDataException($"unit {unit}'s total twice");
            }
        }
        return state;
    }

    public void Merge(GroupState other)
    {
        Rows += other.Rows;
        for (var i = 0; i < NonNull.Length; i++)
        {
            NonNull[i] += other.NonNull[i];
            LongSum[i] += other.LongSum[i];
            DoubleSum[i] += other.DoubleSum[i];
            LongMin[i] = Math.Min(LongMin[i], other.LongMin[i]);
            LongMax[i] = Math.Max(LongMax[i], other.LongMax[i]);
            DoubleMin[i] = Math.Min(DoubleMin[i], other.DoubleMin[i]);
            DoubleMax[i] = Math.Max(DoubleMax[i], other.DoubleMax[i]);
            if (other.Distinct[i] is { } set) (Distinct[i] ??= []).UnionWith(set);
            if (other.DistinctBits[i] is { } bits)
            {
                ToBits(i);
                ref var mine = ref DistinctBits[i];
                if (mine!.Length < bits.Length) Array.Resize(ref mine, bits.Length);
                Kernels.Bitmap.Or(mine.AsSpan(0, bits.Length), bits);
            }
            if (other.Sparse[i] is { } sparse) foreach (var value in sparse) AddDistinct(i, value);
            if (other.UnitTotals[i] is { } totals) foreach (var (unit, total) in totals) AddUnitTotal(i, unit, total);
        }
    }
}

/// <summary>
/// Strings seen in group keys and distinct counts, numbered once per query: dictionary ids are per partition,
/// so each partition's ids are mapped to these global ones. Hashes, which a query only counts (never groups by or
/// shows), are numbered apart by their 32 bytes, without a string or a lock per row.
/// </summary>
internal sealed class GlobalStrings
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _strings = [];
    private readonly ConcurrentDictionary<(MappedColumn, Derivation), int[]> _maps = new();
    private readonly ConcurrentDictionary<(UInt128, UInt128), int> _hashes = new();
    private int _hashCount;
    private readonly Lock _lock = new();

    /// <summary>
    /// A number for a 32-byte hash, the same for the same bytes. Two threads adding one hash may both draw a number;
    /// the dictionary keeps one and both return it, so a number is skipped but never shared.
    /// </summary>
    public int HashId(ReadOnlySpan<byte> hash) =>
        _hashes.GetOrAdd((BinaryPrimitives.ReadUInt128LittleEndian(hash), BinaryPrimitives.ReadUInt128LittleEndian(hash[16..])),
            _ => Interlocked.Increment(ref _hashCount) - 1);

    /// <summary>The strings numbered so far, in their numbers' order.</summary>
    public List<string> Snapshot()
    {
        lock (_lock) return [.. _strings];
    }

    /// <summary>The hashes numbered so far, as hex, indexed by their numbers (a number skipped in a race is an empty string).</summary>
    public string[] Hashes()
    {
        var hex = new string[Volatile.Read(ref _hashCount)];
        System.Array.Fill(hex, "");
        Span<byte> bytes = stackalloc byte[32];
        foreach (var ((low, high), id) in _hashes)
        {
            BinaryPrimitives.WriteUInt128LittleEndian(bytes, low);
            BinaryPrimitives.WriteUInt128LittleEndian(bytes[16..], high);
            hex[id] = Convert.ToHexString(bytes);
        }
        return hex;
    }

    public int IdOf(string value)
    {
        lock (_lock)
        {
            if (!_ids.TryGetValue(value, out var id))
            {
                id = _strings.Count;
                _ids.Add(value, id);
                _strings.Add(value);
            }
            return id;
        }
    }

    public string this[int id]
    {
        get
        {
            lock (_lock) return _strings[id];
        }
    }

    /// <summary>
    /// For a dictionary column of one partition: its local id → global id of the code, or of what
    /// <paramref name="derivation"/> makes of it (an ICD-10 code's category, a YJ code's ingredient; or its chapter, a number, not a string's id), so codes of one category share a group.
    /// </summary>
    public int[] Map(MappedColumn column, Derivation derivation = Derivation.None) => _maps.GetOrAdd((column, derivation), key =>
    {
        var dictionary = key.Item1.Dictionary;
        var map = new int[dictionary.Count];
        if (key.Item2 == Derivation.Icd10Chapter)
        {
            for (var i = 0; i < map.Length; i++) map[i] = Icd10Chapters.Of(dictionary[i]);
            return map;
        }
        var length = Prefix(key.Item2);
        for (var i = 0; i < map.Length; i++) map[i] = IdOf(dictionary[i].Length > length ? dictionary[i][..length] : dictionary[i]);
        return map;
    });

    /// <summary>How many leading characters of a code a derived key keeps: all of them but for a category or an ingredient.</summary>
    private static int Prefix(Derivation derivation) => derivation switch
    {
        Derivation.Icd10Category => 3,
        Derivation.YjIngredient => 7,
        _ => int.MaxValue,
    };
}
