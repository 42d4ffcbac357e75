using System.Numerics;
using Claims.Engine.Kernels;

namespace Claims.Engine.Tests.Kernels;

public class PredicateTests
{
    public static TheoryData<SimdLevel> Levels => new(SimdLevels.All);

    private static readonly BitmapMode[] s_modes = Enum.GetValues<BitmapMode>();

    [Theory]
    [MemberData(nameof(Levels))]
    public void Range_agrees_with_the_scalar_twin_and_a_naive_reference_for_every_type_length_and_mode(SimdLevel level)
    {
        CheckRange<sbyte>(level);
        CheckRange<short>(level);
        CheckRange<int>(level);
        CheckRange<long>(level);
        CheckRange<float>(level);
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void NotEqual_agrees_with_the_scalar_twin_and_a_naive_reference_for_every_type_length_and_mode(SimdLevel level)
    {
        CheckNotEqual<sbyte>(level);
        CheckNotEqual<short>(level);
        CheckNotEqual<int>(level);
        CheckNotEqual<long>(level);
        CheckNotEqual<float>(level);
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void InSet_agrees_with_the_scalar_twin_and_a_naive_reference_for_every_type_length_and_mode(SimdLevel level)
    {
        CheckInSet<sbyte>(level);
        CheckInSet<short>(level);
        CheckInSet<int>(level);
    }

    [Fact]
    public void Empty_ranges_and_empty_sets_select_nothing_and_leave_an_or_untouched()
    {
        var values = Enumerable.Range(0, 100).ToArray();
        var random = new Random(5);
        foreach (var mode in s_modes)
        {
            var before = KernelInputs.Selection(random, values.Length);
            var range = (ulong[])before.Clone();
            Predicates.Range<int>(values, 10, 9, range, mode);
            var set = (ulong[])before.Clone();
            Predicates.InSet<int>(values, [], set, mode);
            var expected = KernelInputs.Expected(before, values.Length, _ => false, mode);
            Assert.Equal(expected, range);
            Assert.Equal(expected, set);
        }
    }

    [Fact]
    public void A_selection_too_short_for_the_values_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Predicates.Range<int>(new int[65], 0, 1, new ulong[1]));
        Assert.Contains("needs 2 words", error.Message);
    }

    private static void CheckRange<T>(SimdLevel level) where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        var random = new Random(17 * (int)level + typeof(T).Name.Length);
        foreach (var length in KernelInputs.Lengths)
        {
            var values = Values<T>(random, length);
            var lo = KernelInputs.Value<T>(random);
            var hi = random.Next(8) == 0 ? lo : KernelInputs.Value<T>(random);
            if (random.Next(4) != 0 && lo > hi) (lo, hi) = (hi, lo);
            Check(length, random, x => values[x] >= lo && values[x] <= hi,
                (selection, mode, at) => Predicates.Range<T>(values, lo, hi, selection, mode, at), level, $"{typeof(T).Name} [{lo}, {hi}]");
        }
    }

    private static void CheckNotEqual<T>(SimdLevel level) where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        var random = new Random(31 * (int)level + typeof(T).Name.Length);
        foreach (var length in KernelInputs.Lengths)
        {
            var values = Values<T>(random, length);
            var value = length > 0 && random.Next(2) == 0 ? values[random.Next(length)] : KernelInputs.Value<T>(random);
            Check(length, random, x => values[x] != value,
                (selection, mode, at) => Predicates.NotEqual<T>(values, value, selection, mode, at), level, $"{typeof(T).Name} != {value}");
        }
    }

    private static void CheckInSet<T>(SimdLevel level) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        var random = new Random(43 * (int)level + typeof(T).Name.Length);
        foreach (var length in KernelInputs.Lengths)
        {
            // Domains from one word (prefecture-sized) to past the value range of sbyte, members dense or sparse.
            var members = new ulong[random.Next(1, 6) * (random.Next(2) == 0 ? 1 : 40)];
            var density = random.Next(1, 64);
            for (var bit = 0; bit < members.Length * 64; bit++)
                if (random.Next(64) < density) members[bit >> 6] |= 1UL << bit;
            var domain = members.Length * 64;
            var values = Enumerable.Range(0, length)
                .Select(_ => random.Next(4) == 0 ? KernelInputs.Value<T>(random) : T.CreateTruncating(random.Next(-5, domain + 5)))
                .ToArray();
            Check(length, random, x =>
                {
                    var v = long.CreateTruncating(values[x]);
                    return v >= 0 && v < domain && ((members[v >> 6] >> (int)(v & 63)) & 1) != 0;
                },
                (selection, mode, at) => Predicates.InSet<T>(values, members, selection, mode, at), level, $"{typeof(T).Name} in set of {domain}");
        }
    }

    private static T[] Values<T>(Random random, int length) where T : unmanaged, INumber<T>, IMinMaxValue<T> =>
        Enumerable.Range(0, length).Select(_ => KernelInputs.Value<T>(random)).ToArray();

    private static void Check(int length, Random random, Func<int, bool> naive, Action<ulong[], BitmapMode, SimdLevel> kernel, SimdLevel level, string what)
    {
        foreach (var mode in s_modes)
        {
            var before = KernelInputs.Selection(random, length);
            var expected = KernelInputs.Expected(before, length, naive, mode);
            var twin = (ulong[])before.Clone();
            kernel(twin, mode, SimdLevel.Scalar);
            var actual = (ulong[])before.Clone();
            kernel(actual, mode, level);
            if (!expected.AsSpan().SequenceEqual(twin) || !expected.AsSpan().SequenceEqual(actual))
                Assert.Fail($"{what}, length {length}, {mode} at {level}: expected {Hex(expected)}, scalar twin {Hex(twin)}, {level} {Hex(actual)}");
        }
    }

    private static string Hex(ulong[] words) => string.Join(' ', words.Take(8).Select(w => w.ToString("x16")));
}
