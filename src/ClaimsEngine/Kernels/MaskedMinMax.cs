using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Claims.Engine.Kernels;

/// <summary>
/// Min and max of the selected int or long values; null when no row is selected. Unselected lanes are replaced
/// by the operation's identity (MaxValue for min, MinValue for max) rather than skipped, so no path branches per
/// row; whether anything was selected comes from the bitmap, not from the identity, because the identity is
/// itself a legal value.
/// </summary>
public static class MaskedMinMax
{
    public static T? Min<T>(ReadOnlySpan<T> values, ReadOnlySpan<ulong> selection) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T> =>
        Run<T, MinExtremum>(values, selection, SimdLevels.Active);

    public static T? Min<T>(ReadOnlySpan<T> values, ReadOnlySpan<ulong> selection, SimdLevel level) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T> =>
        Run<T, MinExtremum>(values, selection, level);

    public static T? Max<T>(ReadOnlySpan<T> values, ReadOnlySpan<ulong> selection) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T> =>
        Run<T, MaxExtremum>(values, selection, SimdLevels.Active);

    public static T? Max<T>(ReadOnlySpan<T> values, ReadOnlySpan<ulong> selection, SimdLevel level) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T> =>
        Run<T, MaxExtremum>(values, selection, level);

    private static T? Run<T, TWhich>(ReadOnlySpan<T> values, ReadOnlySpan<ulong> selection, SimdLevel level)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        where TWhich : IExtremum
    {
        if (typeof(T) != typeof(int) && typeof(T) != typeof(long))
            throw new NotSupportedException($"min and max run over int and long values, not {typeof(T).Name}");
        Bitmap.RequireWords(selection, values.Length);
        var words = selection[..Bitmap.WordCount(values.Length)];
        if (words.IndexOfAnyExcept(0UL) < 0) return null;
        return level switch
        {
            SimdLevel.V512 => Extreme512<T, TWhich>(values, words),
            SimdLevel.V256 => Extreme256<T, TWhich>(values, words),
            SimdLevel.V128 => Extreme128<T, TWhich>(values, words),
            _ => Tail<T, TWhich>(values, words, 0),
        };
    }

    internal interface IExtremum
    {
        static abstract bool IsMax { get; }
    }

    private readonly struct MinExtremum : IExtremum
    {
        public static bool IsMax => false;
    }

    private readonly struct MaxExtremum : IExtremum
    {
        public static bool IsMax => true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Identity<T, TWhich>() where T : IMinMaxValue<T> where TWhich : IExtremum => TWhich.IsMax ? T.MinValue : T.MaxValue;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Pick<T, TWhich>(T a, T b) where T : IBinaryInteger<T> where TWhich : IExtremum => TWhich.IsMax ? T.Max(a, b) : T.Min(a, b);

    /// <summary>The scalar twin from word <paramref name="firstWord"/> on.</summary>
    private static T Tail<T, TWhich>(ReadOnlySpan<T> values, ReadOnlySpan<ulong> selection, int firstWord)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        where TWhich : IExtremum
    {
        var identity = Identity<T, TWhich>();
        var result = identity;
        for (var i = firstWord * 64; i < values.Length; i++)
            result = Pick<T, TWhich>(result, ((selection[i >> 6] >> i) & 1) != 0 ? values[i] : identity);
        return result;
    }

    private static T Extreme512<T, TWhich>(ReadOnlySpan<T> values, ReadOnlySpan<ulong> selection)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        where TWhich : IExtremum
    {
        ref var start = ref MemoryMarshal.GetReference(values);
        var full = values.Length / 64;
        var identity = Vector512.Create(Identity<T, TWhich>());
        var acc = identity;
        for (var w = 0; w < full; w++)
        {
            var bits = selection[w];
            if (bits == 0) continue;
            var row = (nuint)(w * 64);
            for (var k = 0; k < 64; k += Vector512<T>.Count)
            {
                var mask = typeof(T) == typeof(int) ? LaneMasks.Int512(bits >> k).As<int, T>() : LaneMasks.Long512(bits >> k).As<long, T>();
                var v = Vector512.ConditionalSelect(mask, Vector512.LoadUnsafe(ref start, row + (nuint)k), identity);
                acc = TWhich.IsMax ? Vector512.Max(acc, v) : Vector512.Min(acc, v);
            }
        }
        var result = Tail<T, TWhich>(values, selection, full);
        for (var i = 0; i < Vector512<T>.Count; i++) result = Pick<T, TWhich>(result, acc.GetElement(i));
        return result;
    }

    private static T Extreme256<T, TWhich>(ReadOnlySpan<T> values, ReadOnlySpan<ulong> selection)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        where TWhich : IExtremum
    {
        ref var start = ref MemoryMarshal.GetReference(values);
        var full = values.Length / 64;
        var identity = Vector256.Create(Identity<T, TWhich>());
        var acc = identity;
        for (var w = 0; w < full; w++)
        {
            var bits = selection[w];
            if (bits == 0) continue;
            var row = (nuint)(w * 64);
            for (var k = 0; k < 64; k += Vector256<T>.Count)
            {
                var mask = typeof(T) == typeof(int) ? LaneMasks.Int256(bits >> k).As<int, T>() : LaneMasks.Long256(bits >> k).As<long, T>();
                var v = Vector256.ConditionalSelect(mask, Vector256.LoadUnsafe(ref start, row + (nuint)k), identity);
                acc = TWhich.IsMax ? Vector256.Max(acc, v) : Vector256.Min(acc, v);
            }
        }
        var result = Tail<T, TWhich>(values, selection, full);
        for (var i = 0; i < Vector256<T>.Count; i++) result = Pick<T, TWhich>(result, acc.GetElement(i));
        return result;
    }

    private static T Extreme128<T, TWhich>(ReadOnlySpan<T> values, ReadOnlySpan<ulong> selection)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        where TWhich : IExtremum
    {
        ref var start = ref MemoryMarshal.GetReference(values);
        var full = values.Length / 64;
        var identity = Vector128.Create(Identity<T, TWhich>());
        var acc = identity;
        for (var w = 0; w < full; w++)
        {
            var bits = selection[w];
            if (bits == 0) continue;
            var row = (nuint)(w * 64);
            for (var k = 0; k < 64; k += Vector128<T>.Count)
            {
                var mask = typeof(T) == typeof(int) ? LaneMasks.Int128(bits >> k).As<int, T>() : LaneMasks.Long128(bits >> k).As<long, T>();
                var v = Vector128.ConditionalSelect(mask, Vector128.LoadUnsafe(ref start, row + (nuint)k), identity);
                acc = TWhich.IsMax ? Vector128.Max(acc, v) : Vector128.Min(acc, v);
            }
        }
        var result = Tail<T, TWhich>(values, selection, full);
        for (var i = 0; i < Vector128<T>.Count; i++) result = Pick<T, TWhich>(result, acc.GetElement(i));
        return result;
    }

}
