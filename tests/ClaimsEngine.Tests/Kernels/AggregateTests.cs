using System.Numerics;
using Claims.Engine.Kernels;

namespace Claims.Engine.Tests.Kernels;

public class AggregateTests
{
    public static TheoryData<SimdLevel> Levels => new(SimdLevels.All);

    [Theory]
    [MemberData(nameof(Levels))]
    public void Masked_sums_agree_with_the_scalar_twin_and_linq_for_every_type_and_length(SimdLevel level)
    {
        CheckSum<sbyte>(level);
        CheckSum<short>(level);
        CheckSum<int>(level);
        CheckSum<long>(level);
        var random = new Random(101 + (int)level);
        foreach (var length in KernelInputs.Lengths)
        {
            var values = Enumerable.Range(0, length).Select(_ => random.Next(8) == 0 ? 0f : KernelInputs.Value<float>(random))
                .Select(v => float.IsFinite(v) && Math.Abs(v) < 1 << 21 ? v : 1.25f).ToArray();
            var selection = KernelInputs.Selection(random, length);
            var expected = Enumerable.Range(0, length).Where(i => KernelInputs.Selected(selection, i)).Sum(i => (double)values[i]);
            Assert.Equal(expected, MaskedSum.Sum(values, selection, SimdLevel.Scalar));
            Assert.Equal(expected, MaskedSum.Sum(values, selection, level));
        }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Masked_min_and_max_agree_with_the_scalar_twin_and_linq_and_are_null_when_nothing_is_selected(SimdLevel level)
    {
        CheckMinMax<int>(level);
        CheckMinMax<long>(level);
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Masked_min_and_max_find_the_selected_extreme_among_distinct_values(SimdLevel level)
    {
        // KernelInputs crowds MinValue and MaxValue, so nearly every word's extreme is the type's own and a kernel
        // reading the wrong rows would still agree; distinct values make each answer depend on which rows count.
        var random = new Random(97 + (int)level);
        foreach (var length in KernelInputs.Lengths)
        {
            var ints = Enumerable.Range(0, length).OrderBy(_ => random.Next()).ToArray();
            var longs = ints.Select(v => (long)v * 3_000_000_000L - 7).ToArray();
            var selection = KernelInputs.Selection(random, length);
            var selected = Enumerable.Range(0, length).Where(i => KernelInputs.Selected(selection, i)).ToArray();
            Assert.Equal(selected.Length == 0 ? (int?)null : selected.Min(i => ints[i]), MaskedMinMax.Min<int>(ints, selection, level));
            Assert.Equal(selected.Length == 0 ? (int?)null : selected.Max(i => ints[i]), MaskedMinMax.Max<int>(ints, selection, level));
            Assert.Equal(selected.Length == 0 ? (long?)null : selected.Min(i => longs[i]), MaskedMinMax.Min<long>(longs, selection, level));
            Assert.Equal(selected.Length == 0 ? (long?)null : selected.Max(i => longs[i]), MaskedMinMax.Max<long>(longs, selection, level));
        }
    }

    [Fact]
    public void Dense_group_by_counts_and_sums_like_linq()
    {
        var random = new Random(19);
        foreach (var length in KernelInputs.Lengths)
        {
            const int groupCount = 47 * 20;
            var groups = Enumerable.Range(0, length).Select(_ => random.Next(groupCount)).ToArray();
            var values = Enumerable.Range(0, length).Select(_ => KernelInputs.Value<int>(random)).ToArray();
            var selection = KernelInputs.Selection(random, length);
            var selected = Enumerable.Range(0, length).Where(i => KernelInputs.Selected(selection, i)).ToArray();
            var counts = new long[groupCount];
            var sums = new long[groupCount];
            DenseGroupBy.CountAndSum<int>(groups, values, selection, counts, sums);
            var onlyCounts = new long[groupCount];
            DenseGroupBy.Count(groups, selection, onlyCounts);
            var floats = Enumerable.Range(0, length).Select(_ => (float)random.NextDouble() * 1000 - 100).ToArray();
            var floatCounts = new long[groupCount];
            var floatSums = new double[groupCount];
            DenseGroupBy.CountAndSum(groups, floats, selection, floatCounts, floatSums);
            // Floats are added in row order, as the sum here: the same double, bit for bit.
            var expected = selected.GroupBy(i => groups[i])
                .ToDictionary(g => g.Key, g => (Count: (long)g.Count(), Sum: g.Sum(i => (long)values[i]), FloatSum: g.Aggregate(0.0, (sum, i) => sum + floats[i])));
            for (var g = 0; g < groupCount; g++)
            {
                var (count, sum, floatSum) = expected.GetValueOrDefault(g);
                Assert.Equal(count, counts[g]);
                Assert.Equal(count, onlyCounts[g]);
                Assert.Equal(count, floatCounts[g]);
                Assert.Equal(sum, sums[g]);
                Assert.Equal(floatSum, floatSums[g]);
            }
        }
    }

    [Fact]
    public void Dense_group_by_extremes_are_linq_min_and_max_per_group_for_every_integer_width()
    {
        CheckExtremes<sbyte>();
        CheckExtremes<short>();
        CheckExtremes<int>();
        CheckExtremes<long>();
    }

    private static void CheckExtremes<T>() where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        var random = new Random(23 + typeof(T).Name.Length);
        foreach (var length in KernelInputs.Lengths)
        {
            const int groupCount = 47 * 5;
            var groups = Enumerable.Range(0, length).Select(_ => random.Next(groupCount)).ToArray();
            var values = Enumerable.Range(0, length).Select(_ => KernelInputs.Value<T>(random)).ToArray();
            var selection = KernelInputs.Selection(random, length);
            // Extremes already held (from earlier blocks) must survive values that do not beat them.
            var mins = Enumerable.Range(0, groupCount).Select(g => g % 3 == 0 ? -5L : long.MaxValue).ToArray();
            var maxs = Enumerable.Range(0, groupCount).Select(g => g % 3 == 0 ? 5L : long.MinValue).ToArray();
            var (startMins, startMaxs) = (mins.ToArray(), maxs.ToArray());
            DenseGroupBy.Extremes<T>(groups, values, selection, mins, maxs);
            var selected = Enumerable.Range(0, length).Where(i => KernelInputs.Selected(selection, i)).ToArray();
            for (var g = 0; g < groupCount; g++)
            {
                var mine = selected.Where(i => groups[i] == g).Select(i => long.CreateTruncating(values[i])).ToArray();
                Assert.Equal(mine.Append(startMins[g]).Min(), mins[g]);
                Assert.Equal(mine.Append(startMaxs[g]).Max(), maxs[g]);
            }
        }
    }

    private static void CheckSum<T>(SimdLevel level) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        var random = new Random(61 * (int)level + typeof(T).Name.Length);
        foreach (var length in KernelInputs.Lengths)
        {
            var values = Enumerable.Range(0, length).Select(_ => KernelInputs.Value<T>(random)).ToArray();
            // long extremes would overflow the reference too; wrapping is the same on every path, so compare unchecked.
            var selection = KernelInputs.Selection(random, length);
            var expected = Enumerable.Range(0, length).Where(i => KernelInputs.Selected(selection, i))
                .Aggregate(0L, (sum, i) => unchecked(sum + long.CreateTruncating(values[i])));
            Assert.Equal(expected, MaskedSum.Sum<T>(values, selection, SimdLevel.Scalar));
            Assert.Equal(expected, MaskedSum.Sum<T>(values, selection, level));
        }
    }

    private static void CheckMinMax<T>(SimdLevel level) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        var random = new Random(73 * (int)level + typeof(T).Name.Length);
        foreach (var length in KernelInputs.Lengths)
        {
            var values = Enumerable.Range(0, length).Select(_ => KernelInputs.Value<T>(random)).ToArray();
            var selection = random.Next(10) == 0 ? new ulong[Bitmap.WordCount(length) + 1] : KernelInputs.Selection(random, length);
            var selected = Enumerable.Range(0, length).Where(i => KernelInputs.Selected(selection, i)).Select(i => values[i]).ToArray();
            T? min = selected.Length == 0 ? null : selected.Min();
            T? max = selected.Length == 0 ? null : selected.Max();
            Assert.Equal(min, MaskedMinMax.Min<T>(values, selection, SimdLevel.Scalar));
            Assert.Equal(min, MaskedMinMax.Min<T>(values, selection, level));
            Assert.Equal(max, MaskedMinMax.Max<T>(values, selection, SimdLevel.Scalar));
            Assert.Equal(max, MaskedMinMax.Max<T>(values, selection, level));
        }
    }
}
