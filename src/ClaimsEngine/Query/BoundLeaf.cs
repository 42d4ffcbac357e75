using System.Runtime.CompilerServices;
using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.Engine.Query;

/// <summary>
/// A column predicate bound to one partition's column: constants in the column's stored terms (dictionary ids,
/// days, integers), ready to test a block of rows. Null rows are unknown for every operator but isNull.
/// </summary>
internal sealed class BoundLeaf
{
    private readonly ColumnPredicate _leaf;
    private readonly MappedColumn _column;
    private long _lo, _hi;
    private double _loD, _hiD;
    private bool _loInclusive = true, _hiInclusive = true;
    private readonly HashSet<long>? _set;
    private readonly bool _negate;
    private readonly byte[][]? _hashes;

    public BoundLeaf(ColumnPredicate leaf, MappedColumn column)
    {
        _leaf = leaf;
        _column = column;
        var type = leaf.Column.Type;
        if (leaf.Op == CompareOp.IsNull) return;
        if (type == LogicalType.Hash)
        {
            _hashes = leaf.Values.Select(v => Convert.FromHexString((string)v)).ToArray();
            _negate = leaf.Op is CompareOp.Ne or CompareOp.NotIn;
            return;
        }
        if (type.IsDictionary())
        {
            var dictionary = column.Dictionary;
            switch (leaf.Op)
            {
                case CompareOp.Prefix:
                    var (start, end) = dictionary.PrefixRange((string)leaf.Values[0]);
                    (_lo, _hi) = (start, end - 1L);
                    break;
                default:
                    _set = leaf.Values.Select(v => (long)dictionary.IdOf((string)v)).Where(id => id >= 0).ToHashSet();
                    _negate = leaf.Op is CompareOp.Ne or CompareOp.NotIn;
                    break;
            }
            return;
        }
        switch (leaf.Op)
        {
            case CompareOp.In or CompareOp.NotIn or CompareOp.Ne when type != LogicalType.Float32:
                _set = leaf.Values.Select(v => (long)v).ToHashSet();
                _negate = leaf.Op is not CompareOp.In;
                return;
            case CompareOp.In or CompareOp.NotIn or CompareOp.Ne:
                // Compared as doubles, as SQL compares a FLOAT column with a DOUBLE constant.
                _set = leaf.Values.Select(v => BitConverter.DoubleToInt64Bits(Convert.ToDouble(v))).ToHashSet();
                _negate = leaf.Op is not CompareOp.In;
                return;
        }
        (_lo, _hi, _loD, _hiD) = (long.MinValue, long.MaxValue, double.NegativeInfinity, double.PositiveInfinity);
        var first = leaf.Values[0];
        switch (leaf.Op)
        {
            case CompareOp.Eq: SetLow(first, true); SetHigh(first, true); break;
            case CompareOp.Lt: SetHigh(first, false); break;
            case CompareOp.Le: SetHigh(first, true); break;
            case CompareOp.Gt: SetLow(first, false); break;
            case CompareOp.Ge: SetLow(first, true); break;
            case CompareOp.Between: SetLow(first, true); SetHigh(leaf.Values[1], true); break;
        }
    }

    private void SetLow(object value, bool inclusive)
    {
        if (_leaf.Column.Type == LogicalType.Float32) (_loD, _loInclusive) = (Convert.ToDouble(value), inclusive);
        else _lo = inclusive ? (long)value : SaturatingIncrement((long)value);
    }

    private void SetHigh(object value, bool inclusive)
    {
        if (_leaf.Column.Type == LogicalType.Float32) (_hiD, _hiInclusive) = (Convert.ToDouble(value), inclusive);
        else _hi = inclusive ? (long)value : SaturatingDecrement((long)value);
    }

    private static long SaturatingIncrement(long v) => v == long.MaxValue ? long.MaxValue : v + 1;

    private static long SaturatingDecrement(long v) => v == long.MinValue ? long.MinValue : v - 1;

    /// <summary>False only when no row described by <paramref name="zone"/> can satisfy the leaf (the block or partition is skipped).</summary>
    public bool MayMatch(ZoneEntry zone)
    {
        if (_leaf.Op == CompareOp.IsNull) return _leaf.Flag ? zone.NullCount > 0 : zone.ValueCount > 0;
        if (zone.IsEmpty) return false;
        if (_negate || _hashes is not null) return true;
        if (_leaf.Column.Type == LogicalType.Float32)
            return _set is not null || (zone.MaxDouble >= _loD && zone.MinDouble <= _hiD);
        if (_set is not null) return _set.Any(v => v >= zone.Min && v <= zone.Max);
        return _lo <= _hi && zone.Max >= _lo && zone.Min <= _hi;
    }

    public void Evaluate(int start, int count, Span<ulong> isTrue, Span<ulong> isUnknown)
    {
        isTrue.Clear();
        isUnknown.Clear();
        var validity = _column.ValidityBitmap;
        if (_leaf.Op == CompareOp.IsNull)
        {
            for (var i = 0; i < count; i++)
                if (!Validity.IsValid(validity, start + i) == _leaf.Flag) Bits.Set(isTrue, i);
            return;
        }
        switch (_leaf.Column.Type)
        {
            case LogicalType.Bool: Integers(MemoryMarshalBytes(_column.Values<bool>()), start, count, isTrue); break;
            case LogicalType.Int8: Integers(_column.Values<sbyte>(), start, count, isTrue); break;
            case LogicalType.Int16: Integers(_column.Values<short>(), start, count, isTrue); break;
            case LogicalType.Int64: Integers(_column.Values<long>(), start, count, isTrue); break;
            case LogicalType.Float32: Floats(_column.Values<float>(), start, count, isTrue); break;
            case LogicalType.Hash: Hashes(start, count, isTrue); break;
            default: Integers(_column.Values<int>(), start, count, isTrue); break;
        }
        if (validity.IsEmpty) return;
        for (var i = 0; i < count; i++)
        {
            if (Validity.IsValid(validity, start + i)) continue;
            Bits.Set(isUnknown, i);
            isTrue[i >> 6] &= ~(1UL << (i & 63));
        }
    }

    private static ReadOnlySpan<sbyte> MemoryMarshalBytes(ReadOnlySpan<bool> values) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<bool, sbyte>(values);

    private void Integers<T>(ReadOnlySpan<T> values, int start, int count, Span<ulong> isTrue) where T : unmanaged
    {
        var block = values.Slice(start, count);
        if (_set is not null)
        {
            for (var i = 0; i < block.Length; i++)
                if (_set.Contains(ToInt64(block[i])) != _negate) Bits.Set(isTrue, i);
            return;
        }
        // Branch-free range test: one unsigned comparison per row.
        var width = (ulong)(_hi - _lo);
        if (_hi < _lo) return;
        for (var i = 0; i < block.Length; i++)
        {
            var hit = (ulong)(ToInt64(block[i]) - _lo) <= width ? 1UL : 0UL;
            isTrue[i >> 6] |= hit << (i & 63);
        }
    }

    private void Floats(ReadOnlySpan<float> values, int start, int count, Span<ulong> isTrue)
    {
        var block = values.Slice(start, count);
        for (var i = 0; i < block.Length; i++)
        {
            double v = block[i];
            var hit = _set is not null
                ? _set.Contains(BitConverter.DoubleToInt64Bits(v)) != _negate
                : (_loInclusive ? v >= _loD : v > _loD) && (_hiInclusive ? v <= _hiD : v < _hiD);
            if (hit) Bits.Set(isTrue, i);
        }
    }

    private void Hashes(int start, int count, Span<ulong> isTrue)
    {
        var bytes = _column.Values<byte>();
        for (var i = 0; i < count; i++)
        {
            var row = bytes.Slice((start + i) * 32, 32);
            var any = false;
            foreach (var hash in _hashes!)
                any |= row.SequenceEqual(hash);
            if (any != _negate) Bits.Set(isTrue, i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long ToInt64<T>(T value) where T : unmanaged
    {
        if (typeof(T) == typeof(sbyte)) return Unsafe.As<T, sbyte>(ref value);
        if (typeof(T) == typeof(short)) return Unsafe.As<T, short>(ref value);
        if (typeof(T) == typeof(int)) return Unsafe.As<T, int>(ref value);
        return Unsafe.As<T, long>(ref value);
    }
}
