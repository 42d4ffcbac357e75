using Claims.Engine.Query;

namespace Claims.Engine.Tests.Query;

/// <summary>The open-addressing set of a group's few distinct values against <see cref="HashSet{T}"/>.</summary>
public class SparseSetTests
{
    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 1_000)]
    [InlineData(3, 100_000)]
    [InlineData(4, int.MaxValue - 1)]
    public void Holds_what_a_hash_set_holds_through_every_growth(int seed, int range)
    {
        var random = new Random(seed);
        var set = new SparseSet();
        var expected = new HashSet<long>();
        // Zero and the largest value too: slots store value + 1, so both ends must survive it.
        foreach (var value in Enumerable.Range(0, 20_000).Select(_ => (long)random.Next(range)).Append(0).Append(range))
        {
            Assert.Equal(expected.Add(value), set.Add(value));
            Assert.Equal(expected.Count, set.Count);
        }
        var listed = new List<long>();
        foreach (var value in set) listed.Add(value);
        Assert.Equal(expected.Order(), listed.Order());
    }

    [Fact]
    public void A_copy_grows_apart_from_its_source()
    {
        var set = new SparseSet();
        for (var v = 0L; v < 7; v++) set.Add(v);
        var copy = set.Copy();
        for (var v = 100L; v < 200; v++) copy.Add(v);
        Assert.Equal(7, set.Count);
        Assert.Equal(107, copy.Count);
        Assert.False(copy.Add(3));
        Assert.True(set.Add(150));
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData((long)int.MaxValue)]
    [InlineData(long.MaxValue)]
    public void Values_it_cannot_hold_are_refused_not_wrapped(long value)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new SparseSet().Add(value));
        Assert.Contains("0 to int.MaxValue - 1", error.Message);
    }
}
