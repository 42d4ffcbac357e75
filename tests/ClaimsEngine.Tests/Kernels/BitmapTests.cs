using Claims.Engine.Kernels;

namespace Claims.Engine.Tests.Kernels;

public class BitmapTests
{
    public static TheoryData<SimdLevel> Levels => new(SimdLevels.All);

    [Theory]
    [MemberData(nameof(Levels))]
    public void And_or_and_and_not_agree_with_the_scalar_twin_and_a_naive_reference_on_every_length(SimdLevel level)
    {
        var random = new Random(7 + (int)level);
        for (var rows = 0; rows <= 300 * 64; rows += random.Next(1, 64 * 3))
        {
            var a = KernelInputs.Selection(random, rows, extraWords: 0);
            var b = KernelInputs.Selection(random, rows, extraWords: 0);
            Check(a, b, (x, y) => x & y, (t, o, l) => Bitmap.And(t, o, l), level);
            Check(a, b, (x, y) => x | y, (t, o, l) => Bitmap.Or(t, o, l), level);
            Check(a, b, (x, y) => x & ~y, (t, o, l) => Bitmap.AndNot(t, o, l), level);
        }
    }

    [Fact]
    public void Not_and_set_all_keep_the_bits_past_the_rows_zero()
    {
        var random = new Random(3);
        foreach (var rows in KernelInputs.Lengths)
        {
            var selection = KernelInputs.Selection(random, rows, extraWords: 0);
            var not = (ulong[])selection.Clone();
            Bitmap.Not(not, rows);
            Assert.Equal(KernelInputs.Expected(selection, rows, row => !KernelInputs.Selected(selection, row), BitmapMode.Write), not);
            var all = new ulong[Bitmap.WordCount(rows)];
            Bitmap.SetAll(all, rows);
            Assert.Equal(rows, Bitmap.PopCount(all));
        }
    }

    [Fact]
    public void PopCount_and_set_bit_iteration_agree_with_a_row_by_row_walk()
    {
        var random = new Random(11);
        foreach (var rows in KernelInputs.Lengths)
        {
            var selection = KernelInputs.Selection(random, rows, extraWords: 0);
            var expected = Enumerable.Range(0, rows).Where(row => KernelInputs.Selected(selection, row)).ToArray();
            Assert.Equal(expected.Length, Bitmap.PopCount(selection));
            var visited = new List<int>();
            foreach (var row in Bitmap.SetBits(selection)) visited.Add(row);
            Assert.Equal(expected, visited);
        }
    }

    private static void Check(ulong[] a, ulong[] b, Func<ulong, ulong, ulong> naive, Action<ulong[], ulong[], SimdLevel> kernel, SimdLevel level)
    {
        var expected = a.Zip(b, naive).ToArray();
        var twin = (ulong[])a.Clone();
        kernel(twin, b, SimdLevel.Scalar);
        var actual = (ulong[])a.Clone();
        kernel(actual, b, level);
        Assert.Equal(expected, twin);
        Assert.Equal(expected, actual);
    }
}
