using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Claims.Engine.Kernels;

/// <summary>
/// Selection bitmaps: ulong words, bit i = row i (LSB first, 64 rows a word), bits past the row count zero so
/// that counts and iteration never need the length. The combining helpers work in place on the target, which
/// is how a predicate tree folds its children without allocating.
/// </summary>
public static class Bitmap
{
    public static int WordCount(int rows) => (int)(((uint)rows + 63) >> 6);

    public static void And(Span<ulong> target, ReadOnlySpan<ulong> other) => Combine<AndOperator>(target, other, SimdLevels.Active);
    public static void And(Span<ulong> target, ReadOnlySpan<ulong> other, SimdLevel level) => Combine<AndOperator>(target, other, level);
    public static void Or(Span<ulong> target, ReadOnlySpan<ulong> other) => Combine<OrOperator>(target, other, SimdLevels.Active);
    public static void Or(Span<ulong> target, ReadOnlySpan<ulong> other, SimdLevel level) => Combine<OrOperator>(target, other, level);

    /// <summary>target &amp;= ~other: a NOT child under an AND, with no complement (and no tail fix-up) needed.</summary>
    public static void AndNot(Span<ulong> target, ReadOnlySpan<ulong> other) => Combine<AndNotOperator>(target, other, SimdLevels.Active);
    public static void AndNot(Span<ulong> target, ReadOnlySpan<ulong> other, SimdLevel level) => Combine<AndNotOperator>(target, other, level);

    /// <summary>Complements the first <paramref name="rows"/> bits in place, keeping the bits past them zero (a NOT elsewhere).</summary>
    public static void Not(Span<ulong> target, int rows)
    {
        RequireWords(target, rows);
        var words = target[..WordCount(rows)];
        for (var i = 0; i < words.Length; i++) words[i] = ~words[i];
        ClearTail(words, rows);
    }

    /// <summary>Every one of <paramref name="rows"/> rows selected: the start of a scan with no predicate.</summary>
    public static void SetAll(Span<ulong> target, int rows)
    {
        RequireWords(target, rows);
        var words = target[..WordCount(rows)];
        words.Fill(ulong.MaxValue);
        ClearTail(words, rows);
    }

    /// <summary>The number of selected rows.</summary>
    public static long PopCount(ReadOnlySpan<ulong> selection)
    {
        // Four independent sums so the popcnt latency overlaps; popcnt already reads faster than memory delivers,
        // which is why there is no vector path.
        ref var start = ref MemoryMarshal.GetReference(selection);
        long a = 0, b = 0, c = 0, d = 0;
        var i = 0;
        for (; i <= selection.Length - 4; i += 4)
        {
            a += BitOperations.PopCount(Unsafe.Add(ref start, i));
            b += BitOperations.PopCount(Unsafe.Add(ref start, i + 1));
            c += BitOperations.PopCount(Unsafe.Add(ref start, i + 2));
            d += BitOperations.PopCount(Unsafe.Add(ref start, i + 3));
        }
        for (; i < selection.Length; i++) a += BitOperations.PopCount(Unsafe.Add(ref start, i));
        return a + b + c + d;
    }

    /// <summary>The selected rows in ascending order; skips a clear word in one step, so sparse selections cost little.</summary>
    public static SetBitEnumerator SetBits(ReadOnlySpan<ulong> selection) => new(selection);

    internal static void RequireWords(ReadOnlySpan<ulong> selection, int rows)
    {
        if (selection.Length < WordCount(rows))
            throw new ArgumentException($"a selection of {rows} rows needs {WordCount(rows)} words, not {selection.Length}", nameof(selection));
    }

    private static void ClearTail(Span<ulong> words, int rows)
    {
        if ((rows & 63) != 0) words[^1] &= (1UL << (rows & 63)) - 1;
    }

    private static void Combine<TOp>(Span<ulong> target, ReadOnlySpan<ulong> other, SimdLevel level) where TOp : IBitwiseOperator
    {
        if (other.Length < target.Length)
            throw new ArgumentException($"the other bitmap has {other.Length} words, fewer than the target's {target.Length}", nameof(other));
        ref var t = ref MemoryMarshal.GetReference(target);
        ref var o = ref MemoryMarshal.GetReference(other);
        var length = target.Length;
        var i = 0;
        // The last vector may overlap words already done; every operator is idempotent in its second operand
        // (a∘b∘b = a∘b), so re-applying it there changes nothing.
        switch (level)
        {
            case SimdLevel.V512 when length >= Vector512<ulong>.Count:
                for (; i < length; i += Vector512<ulong>.Count)
                {
                    var at = (nuint)Math.Min(i, length - Vector512<ulong>.Count);
                    TOp.Invoke(Vector512.LoadUnsafe(ref t, at), Vector512.LoadUnsafe(ref o, at)).StoreUnsafe(ref t, at);
                }
                return;
            case SimdLevel.V256 when length >= Vector256<ulong>.Count:
                for (; i < length; i += Vector256<ulong>.Count)
                {
                    var at = (nuint)Math.Min(i, length - Vector256<ulong>.Count);
                    TOp.Invoke(Vector256.LoadUnsafe(ref t, at), Vector256.LoadUnsafe(ref o, at)).StoreUnsafe(ref t, at);
                }
                return;
            case SimdLevel.V128 when length >= Vector128<ulong>.Count:
                for (; i < length; i += Vector128<ulong>.Count)
                {
                    var at = (nuint)Math.Min(i, length - Vector128<ulong>.Count);
                    TOp.Invoke(Vector128.LoadUnsafe(ref t, at), Vector128.LoadUnsafe(ref o, at)).StoreUnsafe(ref t, at);
                }
                return;
            default:
                for (; i < length; i++) Unsafe.Add(ref t, i) = TOp.Invoke(Unsafe.Add(ref t, i), Unsafe.Add(ref o, i));
                return;
        }
    }
}
