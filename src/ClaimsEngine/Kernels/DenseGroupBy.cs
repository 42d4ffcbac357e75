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
        RequireValues("sums", groups, values, selection);
        if (sums.Length < counts.Length) throw new ArgumentException($"{sums.Length} sums for {counts.Length} groups", nameof(sums));
        var words = Bitmap.WordCount(groups.Length);
        for (var w = 0; w < words; w++)
        {
            var bits = selection[w];
            var row = w << 6;
            if (bits == ulong.MaxValue)
            {
                for (var i = row; i < row + 64; i++)
                {
                    counts[groups[i]]++;
                    sums[groups[i]] += Integers.ToInt64(values[i]);
                }
                continue;
            }
            while (bits != 0)
            {
                var i = row + BitOperations.TrailingZeroCount(bits);
                counts[groups[i]]++;
                sums[groups[i]] += Integers.ToInt64(values[i]);
                bits &= bits - 1;
            }
        }
    }

    /// <summary>counts[g] += selected rows of group g; sums[g] += their float values, added in row order.</summary>
    public static void CountAndSum(ReadOnlySpan<int> groups, ReadOnlySpan<float> values, ReadOnlySpan<ulong> selection, Span<long> counts, Span<double> sums)
    {
        if (values.Length != groups.Length) throw new ArgumentException($"{values.Length} values for {groups.Length} group indexes", nameof(values));
        Bitmap.RequireWords(selection, groups.Length);
        if (sums.Length < counts.Length) throw new ArgumentException($"{sums.Length} sums for {counts.Length} groups", nameof(sums));
        foreach (var i in Bitmap.SetBits(selection[..Bitmap.WordCount(groups.Length)]))
        {
            counts[groups[i]]++;
            sums[groups[i]] += values[i];
        }
    }

    /// <summary>mins[g] and maxs[g] take in the selected rows of group g (sbyte, short, int or long values).</summary>
    public static void Extremes<T>(ReadOnlySpan<int> groups, ReadOnlySpan<T> values, ReadOnlySpan<ulong> selection, Span<long> mins, Span<long> maxs)
        where T : unmanaged, IBinaryInteger<T>
    {
        RequireValues("extremes", groups, values, selection);
        if (maxs.Length != mins.Length) throw new ArgumentException($"{maxs.Length} maxima for {mins.Length} minima", nameof(maxs));
        foreach (var i in Bitmap.SetBits(selection[..Bitmap.WordCount(groups.Length)]))
        {
            var value = Integers.ToInt64(values[i]);
            mins[groups[i]] = Math.Min(mins[groups[i]], value);
            maxs[groups[i]] = Math.Max(maxs[groups[i]], value);
        }
    }

    private static void RequireValues<T>(string what, ReadOnlySpan<int> groups, ReadOnlySpan<T> values, ReadOnlySpan<ulong> selection)
    {
        if (typeof(T) != typeof(sbyte) && typeof(T) != typeof(short) && typeof(T) != typeof(int) && typeof(T) != typeof(long))
            throw new NotSupportedException($"group {what} run over sbyte, short, int and long values, not {typeof(T).Name}");
        if (values.Length != groups.Length) throw new ArgumentException($"{values.Length} values for {groups.Length} group indexes", nameof(values));
        Bitmap.RequireWords(selection, groups.Length);
    }
}
