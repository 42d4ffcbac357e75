using System.Numerics;

namespace Claims.Engine.Tests.Kernels;

/// <summary>
/// Seeded random kernel inputs: values that crowd the extremes and a narrow band (so ranges and sets hit both
/// ways), bounds drawn from the same mix (empty ranges included), and selections with runs of empty and full
/// words beside random ones.
/// </summary>
internal static class KernelInputs
{
    public static readonly int[] Lengths = [.. Enumerable.Range(0, 301), 65_535, 65_536, 65_537, 65_536 + 300];

    public static T Value<T>(Random random) where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        if (typeof(T) == typeof(float))
        {
            // Quarters within ±2^20 sum exactly in a double on every path; the extremes test the compares only.
            return random.Next(16) switch
            {
                0 => T.MinValue,
                1 => T.MaxValue,
                2 => T.Zero,
                _ => T.CreateTruncating(random.Next(-4 << 20, 4 << 20) / 4f),
            };
        }
        return random.Next(8) switch
        {
            0 => T.MinValue,
            1 => T.MaxValue,
            2 or 3 => T.CreateTruncating(random.Next(-3, 20)),
            _ => T.CreateTruncating(random.NextInt64()),
        };
    }

    public static ulong[] Selection(Random random, int length, int extraWords = 1)
    {
        var words = new ulong[Claims.Engine.Kernels.Bitmap.WordCount(length) + extraWords];
        for (var w = 0; w < words.Length - extraWords; w++)
            words[w] = random.Next(4) switch { 0 => 0, 1 => ulong.MaxValue, _ => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40) };
        if ((length & 63) != 0) words[words.Length - extraWords - 1] &= (1UL << (length & 63)) - 1;
        for (var w = words.Length - extraWords; w < words.Length; w++) words[w] = 0xDEAD_BEEF_DEAD_BEEF;
        return words;
    }

    public static bool Selected(ReadOnlySpan<ulong> selection, int row) => ((selection[row >> 6] >> row) & 1) != 0;

    /// <summary>The naive reference: one bool per row, combined with what was there in the given mode.</summary>
    public static ulong[] Expected(ulong[] before, int length, Func<int, bool> predicate, Claims.Engine.Kernels.BitmapMode mode)
    {
        var after = (ulong[])before.Clone();
        for (var w = 0; w < Claims.Engine.Kernels.Bitmap.WordCount(length); w++)
        {
            ulong bits = 0;
            for (var j = 0; j < 64 && w * 64 + j < length; j++)
                if (predicate(w * 64 + j)) bits |= 1UL << j;
            after[w] = mode switch
            {
                Claims.Engine.Kernels.BitmapMode.Write => bits,
                Claims.Engine.Kernels.BitmapMode.And => before[w] & bits,
                _ => before[w] | bits,
            };
        }
        return after;
    }
}
