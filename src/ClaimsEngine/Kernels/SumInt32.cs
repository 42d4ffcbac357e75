using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Claims.Engine.Kernels;

/// <summary>
/// Sum of int32 values into an int64. Lanes are widened to int64 before adding so no input can overflow an
/// accumulator; the scan stays memory-bound, which is the point of measuring it.
/// </summary>
public static class SumInt32
{
    public static long Sum(ReadOnlySpan<int> values) => Sum(values, SimdLevels.Active);

    public static long Sum(ReadOnlySpan<int> values, SimdLevel level) => level switch
    {
        SimdLevel.V512 when values.Length >= Vector512<int>.Count => Sum512(values),
        SimdLevel.V256 when values.Length >= Vector256<int>.Count => Sum256(values),
        SimdLevel.V128 when values.Length >= Vector128<int>.Count => Sum128(values),
        _ => Scalar(values),
    };

    public static long Scalar(ReadOnlySpan<int> values)
    {
        long sum = 0;
        foreach (var v in values) sum += v;
        return sum;
    }

    private static long Sum512(ReadOnlySpan<int> values)
    {
        ref var start = ref MemoryMarshal.GetReference(values);
        var acc0 = Vector512<long>.Zero;
        var acc1 = Vector512<long>.Zero;
        var i = 0;
        for (; i <= values.Length - Vector512<int>.Count; i += Vector512<int>.Count)
        {
            var (lower, upper) = Vector512.Widen(Vector512.LoadUnsafe(ref start, (nuint)i));
            acc0 += lower;
            acc1 += upper;
        }
        return Vector512.Sum(acc0 + acc1) + Scalar(values[i..]);
    }

    private static long Sum256(ReadOnlySpan<int> values)
    {
        ref var start = ref MemoryMarshal.GetReference(values);
        var acc0 = Vector256<long>.Zero;
        var acc1 = Vector256<long>.Zero;
        var i = 0;
        for (; i <= values.Length - Vector256<int>.Count; i += Vector256<int>.Count)
        {
            var (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref start, (nuint)i));
            acc0 += lower;
            acc1 += upper;
        }
        return Vector256.Sum(acc0 + acc1) + Scalar(values[i..]);
    }

    private static long Sum128(ReadOnlySpan<int> values)
    {
        ref var start = ref MemoryMarshal.GetReference(values);
        var acc0 = Vector128<long>.Zero;
        var acc1 = Vector128<long>.Zero;
        var i = 0;
        for (; i <= values.Length - Vector128<int>.Count; i += Vector128<int>.Count)
        {
            var (lower, upper) = Vector128.Widen(Vector128.LoadUnsafe(ref start, (nuint)i));
            acc0 += lower;
            acc1 += upper;
        }
        return Vector128.Sum(acc0 + acc1) + Scalar(values[i..]);
    }
}
