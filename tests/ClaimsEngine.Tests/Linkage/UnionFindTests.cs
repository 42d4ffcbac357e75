using Claims.Engine.Linkage;

namespace Claims.Engine.Tests.Linkage;

public class UnionFindTests
{
    [Fact]
    public void Nodes_start_as_singletons_numbered_in_order()
    {
        var sets = new UnionFind();
        Assert.Equal([0, 1, 2], new[] { sets.Add(), sets.Add(), sets.Add() });
        Assert.Equal([0, 1, 2], new[] { sets.Find(0), sets.Find(1), sets.Find(2) });
        Assert.Throws<ArgumentOutOfRangeException>(() => sets.Find(3));
    }

    [Fact]
    public void Unions_are_transitive_and_leave_other_sets_alone()
    {
        var sets = new UnionFind();
        for (var i = 0; i < 6; i++) sets.Add();
        sets.Union(0, 1);
        sets.Union(2, 3);
        Assert.NotEqual(sets.Find(1), sets.Find(2));
        sets.Union(1, 3);
        Assert.Equal(sets.Find(0), sets.Find(3));
        Assert.Equal(sets.Find(0), sets.Find(2));
        Assert.Equal(sets.Find(0), sets.Union(0, 2));
        Assert.Equal(4, sets.Find(4));
        Assert.Equal(5, sets.Find(5));
    }

    [Fact]
    public void A_long_chain_of_a_hundred_thousand_unions_grows_the_table_and_ends_in_one_set()
    {
        var sets = new UnionFind();
        const int n = 100_000;
        sets.Add();
        for (var i = 1; i < n; i++) sets.Union(sets.Add(), i - 1);
        Assert.Equal(n, sets.Count);
        var root = sets.Find(0);
        Assert.All(Enumerable.Range(0, n), i => Assert.Equal(root, sets.Find(i)));
    }

    [Fact]
    public void Random_unions_agree_with_a_naive_relabelling()
    {
        var random = new Random(5);
        const int n = 500;
        var sets = new UnionFind();
        var label = Enumerable.Range(0, n).ToArray();
        for (var i = 0; i < n; i++) sets.Add();
        for (var k = 0; k < 300; k++)
        {
            int a = random.Next(n), b = random.Next(n);
            sets.Union(a, b);
            var (from, to) = (label[b], label[a]);
            for (var i = 0; i < n; i++) if (label[i] == from) label[i] = to;
        }
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j += 7)
                Assert.Equal(label[i] == label[j], sets.Find(i) == sets.Find(j));
    }
}
