using System.Numerics;
using System.Runtime.InteropServices;
using Claims.Engine.Kernels;
using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.Engine.Query;

/// <summary>
/// A column test bound to one partition's column, ready to test a block of rows: the binder typed its constants, and
/// here codes become this partition's dictionary ids (a prefix or between an id range). Null rows are unknown for
/// every test but isNull.
/// </summary>
internal sealed class BoundLeaf
{
    private readonly ColumnPredicate _leaf;
    private readonly MappedColumn _column;
    private readonly long _lo, _hi;
    private readonly float _loF = float.NegativeInfinity, _hiF = float.PositiveInfinity;
    private readonly HashSet<long>? _set;
    private readonly bool _negate;
    private readonly IReadOnlyList<byte[]>? _hashes;
    private readonly ulong[]? _members;
    private const long MembersDomain = 1 << 16;

    public BoundLeaf(ColumnPredicate leaf, MappedColumn column)
    {
        _leaf = leaf;
        _column = column;
        switch (leaf)
        {
            case IntegerRange range:
                (_lo, _hi) = (range.Low, range.High);
                break;
            case IntegerSet set:
                _set = [.. set.Values];
                (_negate, _members) = (set.Negated, Members(_set));
                break;
            case FloatRange range:
                (_loF, _hiF) = (range.Low, range.High);
                break;
            case FloatSet set:
                // By bits, so -0 is listed as well as 0: SQL's 0 = -0.
                _set = set.Values.SelectMany(v => v == 0 ? new[] { 0f, -0f } : new[] { v }).Select(v => BitConverter.DoubleToInt64Bits(v)).ToHashSet();
                _negate = set.Negated;
                break;
            case CodeSet set:
                _set = set.Codes.Select(code => (long)column.Dictionary.IdOf(code)).Where(id => id >= 0).ToHashSet();
                (_negate, _members) = (set.Negated, Members(_set));
                break;
            case CodeRange range:
                var (from, after) = column.Dictionary.Range(range.From, range.To);
                (_lo, _hi) = (from, after - 1L);
                break;
            case CodePrefix prefix:
                var (start, end) = column.Dictionary.PrefixRange(prefix.Prefix);
                (_lo, _hi) = (start, end - 1L);
                break;
            case HashMatch match:
                (_hashes, _negate) = (match.Hashes, match.Negated);
                break;
        }
    }

    /// <summary>A membership bitmap when every value lies in [0, 65536); values outside never occur, and negative ones need the hash set.</summary>
    private static ulong[]? Members(HashSet<long> set)
    {
        if (set.Any(v => v < 0 || v >= MembersDomain)) return null;
        var members = new ulong[Math.Max(1, (int)((set.DefaultIfEmpty(0).Max() >> 6) + 1))];
        foreach (var v in set) members[v >> 6] |= 1UL << (int)(v & 63);
        return members;
    }

    /// <summary>False only when no row described by <paramref name="zone"/> can satisfy the leaf (the block or partition is skipped).</summary>
    public bool MayMatch(ZoneEntry zone)
    {
        if (_leaf is NullTest test) return test.IsNull ? zone.NullCount > 0 : zone.ValueCount > 0;
        if (zone.IsEmpty) return false;
        if (_negate || _hashes is not null) return true;
        if (_leaf.Column.Type == LogicalType.Float32)
            return _set is not null || (zone.MaxDouble >= _loF && zone.MinDouble <= _hiF);
        if (_set is not null) return _set.Any(v => v >= zone.Min && v <= zone.Max);
        return _lo <= _hi && zone.Max >= _lo && zone.Min <= _hi;
    }

    public void Evaluate(int start, int count, Span<ulong> isTrue, Span<ulong> isUnknown)
    {
        var valid = _column.ValidityWords(start, count, isUnknown);
        if (_leaf is NullTest test)
        {
            // isUnknown holds the validity words here; a null test is never unknown.
            isUnknown.CopyTo(isTrue);
            if (test.IsNull) Bitmap.Not(isTrue, count);
            isUnknown.Clear();
            return;
        }
        if (_column.IsConstant)
        {
            // No nulls, one value: the test decides every row at once.
            if (ConstantMatches()) Bitmap.SetAll(isTrue, count);
            else isTrue.Clear();
            isUnknown.Clear();
            return;
        }
        // By the stored type: narrow dictionary ids are tested in place at their own width.
        switch (_column.StoredType)
        {
            case LogicalType.Bool: Integers(MemoryMarshal.Cast<bool, sbyte>(_column.Stored<bool>()).Slice(start, count), isTrue); break;
            case LogicalType.Int8: Integers(_column.Stored<sbyte>().Slice(start, count), isTrue); break;
            case LogicalType.Int16: Integers(_column.Stored<short>().Slice(start, count), isTrue); break;
            case LogicalType.Int64: Integers(_column.Stored<long>().Slice(start, count), isTrue); break;
            case LogicalType.Float32: Floats(_column.Stored<float>().Slice(start, count), isTrue); break;
            case LogicalType.Hash: Hashes(start, count, isTrue); break;
            default: Integers(_column.Stored<int>().Slice(start, count), isTrue); break;
        }
        if (!valid)
        {
            isUnknown.Clear();
            return;
        }
        // Null rows are unknown whatever the test said of the zero in their slot.
        Bitmap.And(isTrue, isUnknown);
        Bitmap.Not(isUnknown, count);
    }

    /// <summary>
    /// ANDs the leaf into <paramref name="isTrue"/> in place when that is exact: the column has no nulls (so the
    /// leaf is never unknown) and the test is a range or a membership bitmap. False when it cannot, and nothing changed.
    /// </summary>
    public bool TryAnd(int start, int count, Span<ulong> isTrue)
    {
        if (_leaf is NullTest || _column.HasNulls || _hashes is not null || _negate) return false;
        if (_column.IsConstant)
        {
            if (!ConstantMatches()) isTrue.Clear();
            return true;
        }
        if (_set is not null && (_members is null || _leaf.Column.Type is LogicalType.Int64 or LogicalType.Float32)) return false;
        switch (_column.StoredType)
        {
            case LogicalType.Bool: And(MemoryMarshal.Cast<bool, sbyte>(_column.Stored<bool>()).Slice(start, count), isTrue); break;
            case LogicalType.Int8: And(_column.Stored<sbyte>().Slice(start, count), isTrue); break;
            case LogicalType.Int16: And(_column.Stored<short>().Slice(start, count), isTrue); break;
            case LogicalType.Int64: And(_column.Stored<long>().Slice(start, count), isTrue); break;
            case LogicalType.Float32:
                Predicates.Range(_column.Stored<float>().Slice(start, count), _loF, _hiF, isTrue, BitmapMode.And);
                break;
            default: And(_column.Stored<int>().Slice(start, count), isTrue); break;
        }
        return true;
    }

    /// <summary>The test on a constant column's one value (only integer-like columns are stored so).</summary>
    private bool ConstantMatches()
    {
        var value = _column.Constant;
        return _set is not null ? _set.Contains(value) != _negate : _lo <= value && value <= _hi;
    }

    private void And<T>(ReadOnlySpan<T> block, Span<ulong> isTrue) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        if (_members is { } members) InSet(block, members, isTrue, BitmapMode.And);
        else Range(block, isTrue, BitmapMode.And);
    }

    /// <summary>The range test in the value type's own terms: bounds clamped to its range, an empty range selecting nothing.</summary>
    private void Range<T>(ReadOnlySpan<T> block, Span<ulong> isTrue, BitmapMode mode) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        var (lo, hi) = (Math.Max(_lo, long.CreateTruncating(T.MinValue)), Math.Min(_hi, long.CreateTruncating(T.MaxValue)));
        if (lo > hi) PredicateKernel.None(block.Length, isTrue, mode);
        else if (typeof(T) == typeof(long)) Predicates.Range(MemoryMarshal.Cast<T, long>(block), lo, hi, isTrue, mode);
        else if (typeof(T) == typeof(int)) Predicates.Range(MemoryMarshal.Cast<T, int>(block), (int)lo, (int)hi, isTrue, mode);
        else if (typeof(T) == typeof(short)) Predicates.Range(MemoryMarshal.Cast<T, short>(block), (short)lo, (short)hi, isTrue, mode);
        else Predicates.Range(MemoryMarshal.Cast<T, sbyte>(block), (sbyte)lo, (sbyte)hi, isTrue, mode);
    }

    private static void InSet<T>(ReadOnlySpan<T> block, ulong[] members, Span<ulong> isTrue, BitmapMode mode) where T : unmanaged, IBinaryInteger<T>
    {
        if (typeof(T) == typeof(int)) Predicates.InSet(MemoryMarshal.Cast<T, int>(block), members, isTrue, mode);
        else if (typeof(T) == typeof(short)) Predicates.InSet(MemoryMarshal.Cast<T, short>(block), members, isTrue, mode);
        else Predicates.InSet(MemoryMarshal.Cast<T, sbyte>(block), members, isTrue, mode);
    }

    private void Integers<T>(ReadOnlySpan<T> block, Span<ulong> isTrue) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        if (_set is not null) Set(block, isTrue);
        else Range(block, isTrue, BitmapMode.Write);
    }

    /// <summary>in, notIn and ne: a membership bitmap over the value domain where it is small (dictionary ids, enum codes), a hash set otherwise.</summary>
    private void Set<T>(ReadOnlySpan<T> block, Span<ulong> isTrue) where T : unmanaged, IBinaryInteger<T>
    {
        if (_members is { } members && typeof(T) != typeof(long)) InSet(block, members, isTrue, BitmapMode.Write);
        else
        {
            isTrue.Clear();
            for (var i = 0; i < block.Length; i++)
                if (_set!.Contains(long.CreateTruncating(block[i]))) isTrue[i >> 6] |= 1UL << (i & 63);
        }
        if (_negate) Bitmap.Not(isTrue, block.Length);
    }

    private void Floats(ReadOnlySpan<float> block, Span<ulong> isTrue)
    {
        if (_set is not null)
        {
            isTrue.Clear();
            for (var i = 0; i < block.Length; i++)
                if (_set.Contains(BitConverter.DoubleToInt64Bits(block[i])) != _negate) isTrue[i >> 6] |= 1UL << (i & 63);
            return;
        }
        Predicates.Range(block, _loF, _hiF, isTrue);
    }

    private void Hashes(int start, int count, Span<ulong> isTrue)
    {
        isTrue.Clear();
        for (var i = 0; i < count; i++)
        {
            var row = _column.Hash(start + i);
            var any = false;
            foreach (var hash in _hashes!)
                any |= row.SequenceEqual(hash);
            if (any != _negate) isTrue[i >> 6] |= 1UL << (i & 63);
        }
    }
}
