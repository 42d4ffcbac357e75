using System.Numerics;
using Claims.Engine.Kernels;

namespace Claims.Engine.Tests.Kernels;

public class CellIndexTests
{
    public static TheoryData<SimdLevel> Levels => new(SimdLevels.All);

    [Theory]
    [MemberData(nameof(Levels))]
    public void Every_path_agrees_with_the_scalar_twin_on_random_keys_of_every_length(SimdLevel level)
    {
        var random = new Random(20261205 + (int)level);
        foreach (var length in KernelInputs.Lengths)
        {
            Check<sbyte>(random, length, level);
            Check<short>(random, length, level);
            Check<int>(random, length, level);
        }
    }

    [Fact]
    public void The_scalar_twin_adds_each_key_offset_times_the_stride()
    {
        // Written out by hand from the meaning, not by the twin: prefecture 13 of 1..47 at stride 1, age 47 in bands
        // from 40 at stride 47, a NULL's placeholder zero below its low wrapping to a negative offset.
        var index = new int[] { 0, 0, 0 };
        CellIndex.Scalar<sbyte>([13, 1, 0], low: 1, stride: 1, index, fifths: false);
        Assert.Equal([12, 0, -1], index);
        CellIndex.Scalar<short>([47, 44, 0], low: 8, stride: 47, index, fifths: true);
        Assert.Equal([12 + 47, 0, -1 - 8 * 47], index);
        // The first key forgets what the index held.
        CellIndex.Scalar<int>([5, 9, 7], low: 5, stride: 3, index, fifths: false, first: true);
        Assert.Equal([0, 12, 6], index);
    }

    [Fact]
    public void Fifths_are_exact_up_to_their_documented_bound_and_no_further()
    {
        var values = Enumerable.Range(0, CellIndex.MaxFifths + 1).ToArray();
        foreach (var level in SimdLevels.All)
        {
            var index = new int[values.Length];
            CellIndex.AddFifths<int>(values, low: 0, stride: 1, index, level);
            Assert.Equal(values.Select(v => v / 5), index);
        }
        // The bound is tight: the first value past it divides wrongly on the vector paths, so callers must check zones.
        var past = Enumerable.Repeat(CellIndex.MaxFifths + 1, 64).ToArray();
        var wrong = new int[past.Length];
        CellIndex.AddFifths<int>(past, 0, 1, wrong, SimdLevel.V128);
        Assert.NotEqual(past[0] / 5, wrong[0]);
    }

    [Fact]
    public void Keys_of_other_types_and_indexes_of_another_length_are_refused()
    {
        Assert.Contains("Int64", Assert.Throws<NotSupportedException>(() => CellIndex.Add<long>(new long[4], 0, 1, new int[4], SimdLevel.V256)).Message);
        Assert.Contains("3 cell indexes for 4 keys", Assert.Throws<ArgumentException>(() => CellIndex.Add<int>(new int[4], 0, 1, new int[3], SimdLevel.V128)).Message);
    }

    private static void Check<T>(Random random, int length, SimdLevel level) where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        var fifths = random.Next(2) == 0;
        // The first key writes over whatever the rented index held; later keys add to it.
        var first = random.Next(3) == 0;
        // Fifths hold only for values in [0, MaxFifths]; plain keys take anything, extremes included.
        var values = Enumerable.Range(0, length)
            .Select(_ => fifths ? T.CreateTruncating(random.Next(0, Math.Min(CellIndex.MaxFifths, int.CreateTruncating(T.MaxValue)) + 1)) : KernelInputs.Value<T>(random))
            .ToArray();
        var (low, stride) = (random.Next(-100, 100), random.Next(1, 4000));
        var start = Enumerable.Range(0, length).Select(_ => random.Next(0, 1 << 16)).ToArray();
        var expected = (int[])start.Clone();
        CellIndex.Scalar<T>(values, low, stride, expected, fifths, first);
        var actual = (int[])start.Clone();
        if (fifths) CellIndex.AddFifths<T>(values, low, stride, actual, level, first);
        else CellIndex.Add<T>(values, low, stride, actual, level, first);
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"{typeof(T).Name} × {length} at {level}, fifths {fifths}, first {first}");
    }
}
