using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Claims.Engine.Kernels;

/// <summary>
/// lo &lt;= x &lt;= hi; eq, lt, le, gt, ge and between all become this. Integers use one unsigned compare of
/// x - lo against hi - lo (wrapping arithmetic makes x below lo a huge unsigned number), which needs lo &lt;= hi:
/// <see cref="Predicates.Range{T}(ReadOnlySpan{T}, T, T, Span{ulong}, BitmapMode, SimdLevel)"/> answers empty
/// ranges without running it. Floats compare both bounds, so a NaN value is never selected.
/// </summary>
internal readonly struct RangeOperator<T>(T lo, T hi) : IPredicateOperator<T> where T : unmanaged, INumber<T>
{
    private readonly T _lo = lo;
    private readonly T _hi = hi;
    private readonly T _width = unchecked(hi - lo);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Invoke(T x)
    {
        if (typeof(T) == typeof(sbyte) || typeof(T) == typeof(short) || typeof(T) == typeof(int))
            return (uint)(int.CreateTruncating(x) - int.CreateTruncating(_lo)) <= (uint)(int.CreateTruncating(_hi) - int.CreateTruncating(_lo));
        if (typeof(T) == typeof(long))
            return (ulong)(Unsafe.BitCast<T, long>(x) - Unsafe.BitCast<T, long>(_lo)) <= (ulong)Unsafe.BitCast<T, long>(_width);
        // Non-short-circuit & keeps the float twin branch-free.
        return (x >= _lo) & (x <= _hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<T> Invoke(Vector128<T> x)
    {
        if (typeof(T) == typeof(float))
            return Vector128.GreaterThanOrEqual(x, Vector128.Create(_lo)) & Vector128.LessThanOrEqual(x, Vector128.Create(_hi));
        var offset = x - Vector128.Create(_lo);
        var width = Vector128.Create(_width);
        if (typeof(T) == typeof(sbyte)) return Vector128.LessThanOrEqual(offset.AsByte(), width.AsByte()).As<byte, T>();
        if (typeof(T) == typeof(short)) return Vector128.LessThanOrEqual(offset.AsUInt16(), width.AsUInt16()).As<ushort, T>();
        if (typeof(T) == typeof(int)) return Vector128.LessThanOrEqual(offset.AsUInt32(), width.AsUInt32()).As<uint, T>();
        return Vector128.LessThanOrEqual(offset.AsUInt64(), width.AsUInt64()).As<ulong, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<T> Invoke(Vector256<T> x)
    {
        if (typeof(T) == typeof(float))
            return Vector256.GreaterThanOrEqual(x, Vector256.Create(_lo)) & Vector256.LessThanOrEqual(x, Vector256.Create(_hi));
        var offset = x - Vector256.Create(_lo);
        var width = Vector256.Create(_width);
        if (typeof(T) == typeof(sbyte)) return Vector256.LessThanOrEqual(offset.AsByte(), width.AsByte()).As<byte, T>();
        if (typeof(T) == typeof(short)) return Vector256.LessThanOrEqual(offset.AsUInt16(), width.AsUInt16()).As<ushort, T>();
        if (typeof(T) == typeof(int)) return Vector256.LessThanOrEqual(offset.AsUInt32(), width.AsUInt32()).As<uint, T>();
        return Vector256.LessThanOrEqual(offset.AsUInt64(), width.AsUInt64()).As<ulong, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<T> Invoke(Vector512<T> x)
    {
        if (typeof(T) == typeof(float))
            return Vector512.GreaterThanOrEqual(x, Vector512.Create(_lo)) & Vector512.LessThanOrEqual(x, Vector512.Create(_hi));
        var offset = x - Vector512.Create(_lo);
        var width = Vector512.Create(_width);
        if (typeof(T) == typeof(sbyte)) return Vector512.LessThanOrEqual(offset.AsByte(), width.AsByte()).As<byte, T>();
        if (typeof(T) == typeof(short)) return Vector512.LessThanOrEqual(offset.AsUInt16(), width.AsUInt16()).As<ushort, T>();
        if (typeof(T) == typeof(int)) return Vector512.LessThanOrEqual(offset.AsUInt32(), width.AsUInt32()).As<uint, T>();
        return Vector512.LessThanOrEqual(offset.AsUInt64(), width.AsUInt64()).As<ulong, T>();
    }
}
