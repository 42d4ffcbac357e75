using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Claims.Engine.Kernels;

/// <summary>
/// Sum of the selected values: sbyte, short, int and long into a long, float into a double. Vector paths take
/// 64 rows (one selection word) at a time, mask the values with the word's bits expanded to lanes and skip
/// words that select nothing; the last partial word goes scalar. Integer sums are exact on every path, so the
/// paths agree bit for bit; float sums add in a different order per path, so they agree exactly only when the
/// partial sums are exact in a double (and otherwise to rounding).
/// </summary>
public static class MaskedSum
{
    public static long Sum<T>(ReadOnlySpan<T> values, ReadOnlySpan<ulong> selection) where T : unmanaged, IBinaryInteger<T> =>
        Sum(values, selection, SimdLevels.Active);

    public static long Sum<T>(ReadOnlySpan<T> values, ReadOnlySpan<ulong> selection, SimdLevel level) where T : unmanaged, IBinaryInteger<T>
    {
        if (typeof(T) != typeof(sbyte) && typeof(T) != typeof(short) && typeof(T) != typeof(int) && typeof(T) != typeof(long))
            throw new NotSupportedException($"sums run over sbyte, short, int and long values, not {typeof(T).Name}");
        Bitmap.RequireWords(selection, values.Length);
        return level switch
        {
            SimdLevel.V512 => Sum512(values, selection),
            SimdLevel.V256 => Sum256(values, selection),
            SimdLevel.V128 => Sum128(values, selection),
            _ => Tail(values, selection, 0),
        };
    }

    public static double Sum(ReadOnlySpan<float> values, ReadOnlySpan<ulong> selection) => Sum(values, selection, SimdLevels.Active);

    public static double Sum(ReadOnlySpan<float> values, ReadOnlySpan<ulong> selection, SimdLevel level)
    {
        Bitmap.RequireWords(selection, values.Length);
        return level switch
        {
            SimdLevel.V512 => SumFloat512(values, selection),
            SimdLevel.V256 => SumFloat256(values, selection),
            SimdLevel.V128 => SumFloat128(values, selection),
            _ => TailFloat(values, selection, 0),
        };
    }

    /// <summary>The scalar twin from word <paramref name="firstWord"/> on; masks with the bit instead of branching on it.</summary>
    private static long Tail<T>(ReadOnlySpan<T> values, ReadOnlySpan<ulong> selection, int firstWord) where T : unmanaged
    {
        long sum = 0;
        for (var i = firstWord * 64; i < values.Length; i++)
            sum += Integers.ToInt64(values[i]) & -(long)((selection[i >> 6] >> i) & 1);
        return sum;
    }

    private static double TailFloat(ReadOnlySpan<float> values, ReadOnlySpan<ulong> selection, int firstWord)
    {
        double sum = 0;
        for (var i = firstWord * 64; i < values.Length; i++)
            sum += BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(values[i]) & -(int)((selection[i >> 6] >> i) & 1));
        return sum;
    }

    private static long Sum512<T>(ReadOnlySpan<T> values, ReadOnlySpan<ulong> selection) where T : unmanaged
    {
        ref var start = ref MemoryMarshal.GetReference(values);
        var full = values.Length / 64;
        var acc = Vector512<long>.Zero;
        for (var w = 0; w < full; w++)
        {
            var bits = selection[w];
            if (bits == 0) continue;
            ref var row = ref Unsafe.Add(ref start, w * 64);
            if (typeof(T) == typeof(long))
            {
                ref var p = ref Unsafe.As<T, long>(ref row);
                for (var k = 0; k < 64; k += Vector512<long>.Count)
                    acc += Vector512.LoadUnsafe(ref p, (nuint)k) & LaneMasks.Long512(bits >> k);
            }
            else if (typeof(T) == typeof(int))
            {
                ref var p = ref Unsafe.As<T, int>(ref row);
                for (var k = 0; k < 64; k += Vector512<int>.Count)
                {
                    var (lower, upper) = Vector512.Widen(Vector512.LoadUnsafe(ref p, (nuint)k) & LaneMasks.Int512(bits >> k));
                    acc += lower + upper;
                }
            }
            else
            {
                // A word of 64 short or sbyte values sums without overflow in int lanes; widen to long once per word.
                var sum = Vector512<int>.Zero;
                if (typeof(T) == typeof(short))
                {
                    ref var p = ref Unsafe.As<T, short>(ref row);
                    for (var k = 0; k < 64; k += Vector512<short>.Count)
                    {
                        var (a, b) = Vector512.Widen(Vector512.LoadUnsafe(ref p, (nuint)k));
                        sum += (a & LaneMasks.Int512(bits >> k)) + (b & LaneMasks.Int512(bits >> (k + Vector512<int>.Count)));
                    }
                }
                else
                {
                    ref var p = ref Unsafe.As<T, sbyte>(ref row);
                    var ints = Vector512<int>.Count;
                    for (var k = 0; k < 64; k += Vector512<sbyte>.Count)
                    {
                        var (low, high) = Vector512.Widen(Vector512.LoadUnsafe(ref p, (nuint)k));
                        var (a, b) = Vector512.Widen(low);
                        var (c, d) = Vector512.Widen(high);
                        sum += (a & LaneMasks.Int512(bits >> k)) + (b & LaneMasks.Int512(bits >> (k + ints)))
                             + (c & LaneMasks.Int512(bits >> (k + 2 * ints))) + (d & LaneMasks.Int512(bits >> (k + 3 * ints)));
                    }
                }
                var (lo, hi) = Vector512.Widen(sum);
                acc += lo + hi;
            }
        }
        return Vector512.Sum(acc) + Tail(values, selection, full);
    }

    private static double SumFloat512(ReadOnlySpan<float> values, ReadOnlySpan<ulong> selection)
    {
        ref var start = ref MemoryMarshal.GetReference(values);
        var full = values.Length / 64;
        var acc = Vector512<double>.Zero;
        for (var w = 0; w < full; w++)
        {
            var bits = selection[w];
            if (bits == 0) continue;
            ref var row = ref Unsafe.Add(ref start, w * 64);
            for (var k = 0; k < 64; k += Vector512<float>.Count)
            {
                var (lower, upper) = Vector512.Widen(Vector512.LoadUnsafe(ref row, (nuint)k) & LaneMasks.Int512(bits >> k).AsSingle());
                acc += lower + upper;
            }
        }
        return Vector512.Sum(acc) + TailFloat(values, selection, full);
    }

    private static long Sum256<T>(ReadOnlySpan<T> values, ReadOnlySpan<ulong> selection) where T : unmanaged
    {
        ref var start = ref MemoryMarshal.GetReference(values);
        var full = values.Length / 64;
        var acc = Vector256<long>.Zero;
        for (var w = 0; w < full; w++)
        {
            var bits = selection[w];
            if (bits == 0) continue;
            ref var row = ref Unsafe.Add(ref start, w * 64);
            if (typeof(T) == typeof(long))
            {
                ref var p = ref Unsafe.As<T, long>(ref row);
                for (var k = 0; k < 64; k += Vector256<long>.Count)
                    acc += Vector256.LoadUnsafe(ref p, (nuint)k) & LaneMasks.Long256(bits >> k);
            }
            else if (typeof(T) == typeof(int))
            {
                ref var p = ref Unsafe.As<T, int>(ref row);
                for (var k = 0; k < 64; k += Vector256<int>.Count)
                {
                    var (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref p, (nuint)k) & LaneMasks.Int256(bits >> k));
                    acc += lower + upper;
                }
            }
            else
            {
                // A word of 64 short or sbyte values sums without overflow in int lanes; widen to long once per word.
                var sum = Vector256<int>.Zero;
                if (typeof(T) == typeof(short))
                {
                    ref var p = ref Unsafe.As<T, short>(ref row);
                    for (var k = 0; k < 64; k += Vector256<short>.Count)
                    {
                        var (a, b) = Vector256.Widen(Vector256.LoadUnsafe(ref p, (nuint)k));
                        sum += (a & LaneMasks.Int256(bits >> k)) + (b & LaneMasks.Int256(bits >> (k + Vector256<int>.Count)));
                    }
                }
                else
                {
                    ref var p = ref Unsafe.As<T, sbyte>(ref row);
                    var ints = Vector256<int>.Count;
                    for (var k = 0; k < 64; k += Vector256<sbyte>.Count)
                    {
                        var (low, high) = Vector256.Widen(Vector256.LoadUnsafe(ref p, (nuint)k));
                        var (a, b) = Vector256.Widen(low);
                        var (c, d) = Vector256.Widen(high);
                        sum += (a & LaneMasks.Int256(bits >> k)) + (b & LaneMasks.Int256(bits >> (k + ints)))
                             + (c & LaneMasks.Int256(bits >> (k + 2 * ints))) + (d & LaneMasks.Int256(bits >> (k + 3 * ints)));
                    }
                }
                var (lo, hi) = Vector256.Widen(sum);
                acc += lo + hi;
            }
        }
        return Vector256.Sum(acc) + Tail(values, selection, full);
    }

    private static double SumFloat256(ReadOnlySpan<float> values, ReadOnlySpan<ulong> selection)
    {
        ref var start = ref MemoryMarshal.GetReference(values);
        var full = values.Length / 64;
        var acc = Vector256<double>.Zero;
        for (var w = 0; w < full; w++)
        {
            var bits = selection[w];
            if (bits == 0) continue;
            ref var row = ref Unsafe.Add(ref start, w * 64);
            for (var k = 0; k < 64; k += Vector256<float>.Count)
            {
                var (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref row, (nuint)k) & LaneMasks.Int256(bits >> k).AsSingle());
                acc += lower + upper;
            }
        }
        return Vector256.Sum(acc) + TailFloat(values, selection, full);
    }

    private static long Sum128<T>(ReadOnlySpan<T> values, ReadOnlySpan<ulong> selection) where T : unmanaged
    {
        ref var start = ref MemoryMarshal.GetReference(values);
        var full = values.Length / 64;
        var acc = Vector128<long>.Zero;
        for (var w = 0; w < full; w++)
        {
            var bits = selection[w];
            if (bits == 0) continue;
            ref var row = ref Unsafe.Add(ref start, w * 64);
            if (typeof(T) == typeof(long))
            {
                ref var p = ref Unsafe.As<T, long>(ref row);
                for (var k = 0; k < 64; k += Vector128<long>.Count)
                    acc += Vector128.LoadUnsafe(ref p, (nuint)k) & LaneMasks.Long128(bits >> k);
            }
            else if (typeof(T) == typeof(int))
            {
                ref var p = ref Unsafe.As<T, int>(ref row);
                for (var k = 0; k < 64; k += Vector128<int>.Count)
                {
                    var (lower, upper) = Vector128.Widen(Vector128.LoadUnsafe(ref p, (nuint)k) & LaneMasks.Int128(bits >> k));
                    acc += lower + upper;
                }
            }
            else
            {
                // A word of 64 short or sbyte values sums without overflow in int lanes; widen to long once per word.
                var sum = Vector128<int>.Zero;
                if (typeof(T) == typeof(short))
                {
                    ref var p = ref Unsafe.As<T, short>(ref row);
                    for (var k = 0; k < 64; k += Vector128<short>.Count)
                    {
                        var (a, b) = Vector128.Widen(Vector128.LoadUnsafe(ref p, (nuint)k));
                        sum += (a & LaneMasks.Int128(bits >> k)) + (b & LaneMasks.Int128(bits >> (k + Vector128<int>.Count)));
                    }
                }
                else
                {
                    ref var p = ref Unsafe.As<T, sbyte>(ref row);
                    var ints = Vector128<int>.Count;
                    for (var k = 0; k < 64; k += Vector128<sbyte>.Count)
                    {
                        var (low, high) = Vector128.Widen(Vector128.LoadUnsafe(ref p, (nuint)k));
                        var (a, b) = Vector128.Widen(low);
                        var (c, d) = Vector128.Widen(high);
                        sum += (a & LaneMasks.Int128(bits >> k)) + (b & LaneMasks.Int128(bits >> (k + ints)))
                             + (c & LaneMasks.Int128(bits >> (k + 2 * ints))) + (d & LaneMasks.Int128(bits >> (k + 3 * ints)));
                    }
                }
                var (lo, hi) = Vector128.Widen(sum);
                acc += lo + hi;
            }
        }
        return Vector128.Sum(acc) + Tail(values, selection, full);
    }

    private static double SumFloat128(ReadOnlySpan<float> values, ReadOnlySpan<ulong> selection)
    {
        ref var start = ref MemoryMarshal.GetReference(values);
        var full = values.Length / 64;
        var acc = Vector128<double>.Zero;
        for (var w = 0; w < full; w++)
        {
            var bits = selection[w];
            if (bits == 0) continue;
            ref var row = ref Unsafe.Add(ref start, w * 64);
            for (var k = 0; k < 64; k += Vector128<float>.Count)
            {
                var (lower, upper) = Vector128.Widen(Vector128.LoadUnsafe(ref row, (nuint)k) & LaneMasks.Int128(bits >> k).AsSingle());
                acc += lower + upper;
            }
        }
        return Vector128.Sum(acc) + TailFloat(values, selection, full);
    }

}
