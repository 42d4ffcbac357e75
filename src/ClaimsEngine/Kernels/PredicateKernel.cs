using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Claims.Engine.Kernels;

/// <summary>
/// The one loop every predicate runs in: 64 rows make one bitmap word, built from the top bits of the operator's
/// lane masks (every lane count divides 64, so a word is a whole number of vectors). The last partial word
/// re-reads the last full vector and shifts away the rows already done, so only inputs shorter than one vector
/// go scalar, and bits past the end always come out zero.
/// </summary>
internal static class PredicateKernel
{
    public static void Run<T, TOp>(ReadOnlySpan<T> values, TOp op, Span<ulong> selection, BitmapMode mode, SimdLevel level)
        where T : unmanaged
        where TOp : IPredicateOperator<T>
    {
        Bitmap.RequireWords(selection, values.Length);
        switch (mode)
        {
            case BitmapMode.Write: Run<T, TOp, WriteStore>(values, op, selection, level); break;
            case BitmapMode.And: Run<T, TOp, AndStore>(values, op, selection, level); break;
            case BitmapMode.Or: Run<T, TOp, OrStore>(values, op, selection, level); break;
            default: throw new ArgumentOutOfRangeException(nameof(mode), mode, null);
        }
    }

    /// <summary>What a predicate that selects nothing (an empty range, an empty set) leaves behind.</summary>
    public static void None(int length, Span<ulong> selection, BitmapMode mode)
    {
        Bitmap.RequireWords(selection, length);
        if (mode != BitmapMode.Or) selection[..Bitmap.WordCount(length)].Clear();
    }

    private static void Run<T, TOp, TStore>(ReadOnlySpan<T> values, TOp op, Span<ulong> selection, SimdLevel level)
        where T : unmanaged
        where TOp : IPredicateOperator<T>
        where TStore : IBitmapStore
    {
        switch (level)
        {
            case SimdLevel.V512 when values.Length >= Vector512<T>.Count: Run512<T, TOp, TStore>(values, op, selection); break;
            case SimdLevel.V256 when values.Length >= Vector256<T>.Count: Run256<T, TOp, TStore>(values, op, selection); break;
            case SimdLevel.V128 when values.Length >= Vector128<T>.Count: Run128<T, TOp, TStore>(values, op, selection); break;
            default: Scalar<T, TOp, TStore>(values, op, selection); break;
        }
    }

    private static void Scalar<T, TOp, TStore>(ReadOnlySpan<T> values, TOp op, Span<ulong> selection)
        where T : unmanaged
        where TOp : IPredicateOperator<T>
        where TStore : IBitmapStore
    {
        ref var start = ref MemoryMarshal.GetReference(values);
        var words = Bitmap.WordCount(values.Length);
        for (var w = 0; w < words; w++)
        {
            var end = Math.Min(64, values.Length - w * 64);
            ref var row = ref Unsafe.Add(ref start, w * 64);
            ulong bits = 0;
            for (var j = 0; j < end; j++) bits |= (op.Invoke(Unsafe.Add(ref row, j)) ? 1UL : 0UL) << j;
            TStore.Store(ref selection[w], bits);
        }
    }

    private static void Run512<T, TOp, TStore>(ReadOnlySpan<T> values, TOp op, Span<ulong> selection)
        where T : unmanaged
        where TOp : IPredicateOperator<T>
        where TStore : IBitmapStore
    {
        ref var start = ref MemoryMarshal.GetReference(values);
        ref var word = ref MemoryMarshal.GetReference(selection);
        var lanes = Vector512<T>.Count;
        var full = values.Length / 64;
        for (var w = 0; w < full; w++)
        {
            var row = (nuint)(w * 64);
            ulong bits = 0;
            for (var k = 0; k < 64; k += lanes)
                bits |= op.Invoke(Vector512.LoadUnsafe(ref start, row + (nuint)k)).ExtractMostSignificantBits() << k;
            TStore.Store(ref Unsafe.Add(ref word, w), bits);
        }
        var rest = values.Length - full * 64;
        if (rest == 0) return;
        {
            var row = (nuint)(full * 64);
            ulong bits = 0;
            var k = 0;
            for (; k + lanes <= rest; k += lanes)
                bits |= op.Invoke(Vector512.LoadUnsafe(ref start, row + (nuint)k)).ExtractMostSignificantBits() << k;
            if (k < rest)
            {
                var last = op.Invoke(Vector512.LoadUnsafe(ref start, (nuint)(values.Length - lanes))).ExtractMostSignificantBits();
                bits |= (last >> (lanes - (rest - k))) << k;
            }
            TStore.Store(ref Unsafe.Add(ref word, full), bits);
        }
    }

    private static void Run256<T, TOp, TStore>(ReadOnlySpan<T> values, TOp op, Span<ulong> selection)
        where T : unmanaged
        where TOp : IPredicateOperator<T>
        where TStore : IBitmapStore
    {
        ref var start = ref MemoryMarshal.GetReference(values);
        ref var word = ref MemoryMarshal.GetReference(selection);
        var lanes = Vector256<T>.Count;
        var full = values.Length / 64;
        for (var w = 0; w < full; w++)
        {
            var row = (nuint)(w * 64);
            ulong bits = 0;
            for (var k = 0; k < 64; k += lanes)
                bits |= (ulong)op.Invoke(Vector256.LoadUnsafe(ref start, row + (nuint)k)).ExtractMostSignificantBits() << k;
            TStore.Store(ref Unsafe.Add(ref word, w), bits);
        }
        var rest = values.Length - full * 64;
        if (rest == 0) return;
        {
            var row = (nuint)(full * 64);
            ulong bits = 0;
            var k = 0;
            for (; k + lanes <= rest; k += lanes)
                bits |= (ulong)op.Invoke(Vector256.LoadUnsafe(ref start, row + (nuint)k)).ExtractMostSignificantBits() << k;
            if (k < rest)
            {
                ulong last = op.Invoke(Vector256.LoadUnsafe(ref start, (nuint)(values.Length - lanes))).ExtractMostSignificantBits();
                bits |= (last >> (lanes - (rest - k))) << k;
            }
            TStore.Store(ref Unsafe.Add(ref word, full), bits);
        }
    }

    private static void Run128<T, TOp, TStore>(ReadOnlySpan<T> values, TOp op, Span<ulong> selection)
        where T : unmanaged
        where TOp : IPredicateOperator<T>
        where TStore : IBitmapStore
    {
        ref var start = ref MemoryMarshal.GetReference(values);
        ref var word = ref MemoryMarshal.GetReference(selection);
        var lanes = Vector128<T>.Count;
        var full = values.Length / 64;
        for (var w = 0; w < full; w++)
        {
            var row = (nuint)(w * 64);
            ulong bits = 0;
            for (var k = 0; k < 64; k += lanes)
                bits |= (ulong)op.Invoke(Vector128.LoadUnsafe(ref start, row + (nuint)k)).ExtractMostSignificantBits() << k;
            TStore.Store(ref Unsafe.Add(ref word, w), bits);
        }
        var rest = values.Length - full * 64;
        if (rest == 0) return;
        {
            var row = (nuint)(full * 64);
            ulong bits = 0;
            var k = 0;
            for (; k + lanes <= rest; k += lanes)
                bits |= (ulong)op.Invoke(Vector128.LoadUnsafe(ref start, row + (nuint)k)).ExtractMostSignificantBits() << k;
            if (k < rest)
            {
                ulong last = op.Invoke(Vector128.LoadUnsafe(ref start, (nuint)(values.Length - lanes))).ExtractMostSignificantBits();
                bits |= (last >> (lanes - (rest - k))) << k;
            }
            TStore.Store(ref Unsafe.Add(ref word, full), bits);
        }
    }
}
