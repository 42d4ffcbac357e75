using System.Numerics;

namespace Claims.Engine.Kernels;

/// <summary>
/// The predicates a query compiles to, each writing, AND-ing or OR-ing a selection bitmap for a span of values
/// (bit i = row i, LSB first, bits past the end zero). Without a level they run on <see cref="SimdLevels.Active"/>.
/// Values are sbyte, short, int, long or float; codes and strings are int dictionary ids.
/// </summary>
public static class Predicates
{
    /// <summary>lo &lt;= x &lt;= hi, inclusive; lo &gt; hi selects nothing.</summary>
    public static void Range<T>(ReadOnlySpan<T> values, T lo, T hi, Span<ulong> selection, BitmapMode mode = BitmapMode.Write)
        where T : unmanaged, INumber<T> => Range(values, lo, hi, selection, mode, SimdLevels.Active);

    public static void Range<T>(ReadOnlySpan<T> values, T lo, T hi, Span<ulong> selection, BitmapMode mode, SimdLevel level)
        where T : unmanaged, INumber<T>
    {
        RequireValueType<T>();
        if (lo > hi) PredicateKernel.None(values.Length, selection, mode);
        else PredicateKernel.Run(values, new RangeOperator<T>(lo, hi), selection, mode, level);
    }

    public static void NotEqual<T>(ReadOnlySpan<T> values, T value, Span<ulong> selection, BitmapMode mode = BitmapMode.Write)
        where T : unmanaged, INumber<T> => NotEqual(values, value, selection, mode, SimdLevels.Active);

    public static void NotEqual<T>(ReadOnlySpan<T> values, T value, Span<ulong> selection, BitmapMode mode, SimdLevel level)
        where T : unmanaged, INumber<T>
    {
        RequireValueType<T>();
        PredicateKernel.Run(values, new NotEqualOperator<T>(value), selection, mode, level);
    }

    /// <summary>
    /// Selected when the value is in [0, 64 × members.Length) and its bit in <paramref name="members"/> is set;
    /// sbyte, short and int values only.
    /// </summary>
    public static void InSet<T>(ReadOnlySpan<T> values, ReadOnlySpan<ulong> members, Span<ulong> selection, BitmapMode mode = BitmapMode.Write)
        where T : unmanaged, IBinaryInteger<T> => InSet(values, members, selection, mode, SimdLevels.Active);

    public static unsafe void InSet<T>(ReadOnlySpan<T> values, ReadOnlySpan<ulong> members, Span<ulong> selection, BitmapMode mode, SimdLevel level)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (members.IsEmpty)
        {
            PredicateKernel.None(values.Length, selection, mode);
            return;
        }
        fixed (ulong* words = members)
            PredicateKernel.Run(values, new InSetOperator<T>(words, members.Length), selection, mode, level);
    }

    private static void RequireValueType<T>()
    {
        if (typeof(T) != typeof(sbyte) && typeof(T) != typeof(short) && typeof(T) != typeof(int) && typeof(T) != typeof(long) && typeof(T) != typeof(float))
            throw new NotSupportedException($"predicates run over sbyte, short, int, long and float values, not {typeof(T).Name}");
    }
}
