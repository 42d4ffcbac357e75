using System.Numerics;

namespace Claims.Engine.Kernels;

/// <summary>
/// Group-by over a small dense domain (prefecture × age band, month, sex): each row's group is already an index
/// in [0, groups), so the per-group state is two flat arrays and no hashing happens. Scalar by nature (scattered
/// increments), so it visits only the selected rows, one word of the selection at a time.
/// </summary>
public static class DenseGroupBy
{
    /// <summary>counts[g] += selected rows of group g.</summary>
    public static void Count(ReadOnlySpan<int> groups, ReadOnlySpan<ulong> selection, Span<long> counts)
    {
        Bitmap.RequireWords(selection, groups.Length);
        var words = Bitmap.WordCount(groups.Length);
        for (var w = 0; w < words; w++)
        {
            var bits = selection[w];
            var row = w << 6;
            if (bits == ulong.MaxValue)
            {
                // A fully selected word needs no bit walk; the common case for unfiltered groupings.
                foreach (var g in groups.Slice(row, 64)) counts[g]++;
                continue;
            }
            while (bits != 0)
            {
                counts[groups[row + BitOperations.TrailingZeroCount(bits)]]++;
                bits &= bits - 1;
            }
        }
    }

    /// <summary>counts[g] += selected rows of group g; sums[g] += their values (sbyte, short, int or long).</summary>
    public static void CountAndSum<T>(ReadOnlySpan<int> groups, ReadOnlySpan<T> values, ReadOnlySpan<ulong> selection, Span<long> counts, Span<long> sums)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (typeof(T) != typeof(sbyte) && typeof(T) != typeof(short) && typeof(T) != typeof(int) && typeof(T) != typeof(long))
            throw new NotSupportedException($"group sums run over sbyte, short, int and long values, not {typeof(T).Name}");
        if (values.Length != groups.Length) throw new ArgumentException($"{values.Length} values for {groups.Length} group indexes", nameof(values));
        if (sums.Length < counts.Length) throw new ArgumentException($"{sums.Length} sums for {counts.Length} groups", nameof(sums));
        Bitmap.RequireWords(selection, groups.Length);
        var words = Bitmap.WordCount(groups.Length);
        for (var w = 0; w < words; w++)
        {
            var bits = selection[w];
            var row = w << 6;
            while (bits != 0)
            {
                var i = row + BitOperations.TrailingZeroCount(bits);
                var g = groups[i];
                counts[g]++;
                sums[g] += Integers.ToInt64(values[i]);
                bits &= bits - 1;
            }
        }
    }

    /// <summary>mins[g] and maxs[g] take in the selected rows of group g (sbyte, short, int or long values).</summary>
    public static void Extremes<T>(ReadOnlySpan<int> groups, ReadOnlySpan<T> values, ReadOnlySpan<ulong> selection, Span<long> mins, Span<long> maxs)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (typeof(T) != typeof(sbyte) && typeof(T) != typeof(short) && typeof(T) != typeof(int) && typeof(T) != typeof(long))
            throw new NotSupportedException($"group extremes run over sbyte, short, int and long values, not {typeof(T).Name}");
        if (values.Length != groups.Length) throw new ArgumentException($"{values.Length} values for {groups.Length} group indexes", nameof(values));
        if (maxs.Length != mins.Length) throw new ArgumentException($"{maxs.Length} maxima for {mins.Length} minima", nameof(maxs));
        Bitmap.RequireWords(selection, groups.Length);
        var words = Bitmap.WordCount(groups.Length);
        for (var w = 0; w < words; w++)
        {
            var bits = selection[w];
            var row = w << 6;
            while (bits != 0)
            {
                var i = row + BitOperations.TrailingZeroCount(bits);
                var g = groups[i];
                var value = Integers.ToInt64(values[i]);
                mins[g] = Math.Min(mins[g], value);
                maxs[g] = Math.Max(maxs[g], value);
                bits &= bits - 1;
            }
        }
    }
}
