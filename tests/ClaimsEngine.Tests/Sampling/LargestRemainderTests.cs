using Claims.Engine.Sampling;

namespace Claims.Engine.Tests.Sampling;

public class LargestRemainderTests
{
    [Fact]
    public void Strata_too_small_to_round_up_alone_still_get_the_total()
    {
        // 30 strata of 40 at 1%: each rounded alone gives 0 of 1,200; shared, 12 of them get one.
        var takes = LargestRemainder.Allocate(0.01, Enumerable.Repeat(40, 30).ToArray(), Enumerable.Range(0, 30).Select(i => (ulong)(30 - i)).ToArray());
        Assert.Equal(12, takes.Sum());
        Assert.All(takes, t => Assert.InRange(t, 0, 1));
        // Equal remainders: the smallest tie keys win, here the last twelve strata.
        Assert.Equal(Enumerable.Range(18, 12), Enumerable.Range(0, 30).Where(s => takes[s] == 1));
    }

    [Fact]
    public void The_largest_remainders_get_the_rest_and_halves_round_up()
    {
        // Quotas 1.9, 0.4 and 0.2 (total 2.5, rounded to 3): floors 1, 0, 0, then the largest remainders 0.9 and 0.4.
        Assert.Equal([2, 1, 0], LargestRemainder.Allocate(0.1, [19, 4, 2], [0, 0, 0]));
        Assert.Equal([0], LargestRemainder.Allocate(0.1, [4], [0]));
        Assert.Equal([1], LargestRemainder.Allocate(0.1, [5], [0]));
        Assert.Empty(LargestRemainder.Allocate(0.1, [], []));
    }

    [Theory]
    [InlineData(1, 0.01)]
    [InlineData(2, 0.1)]
    [InlineData(3, 0.37)]
    [InlineData(4, 1.0)]
    public void Every_stratum_gets_the_floor_or_ceiling_of_its_quota_and_the_total_is_rounded(int seed, double rate)
    {
        var random = new Random(seed);
        for (var trial = 0; trial < 200; trial++)
        {
            var sizes = Enumerable.Range(0, random.Next(1, 40)).Select(_ => random.Next(0, 300)).ToArray();
            var keys = sizes.Select(_ => (ulong)random.NextInt64()).ToArray();
            var takes = LargestRemainder.Allocate(rate, sizes, keys);
            Assert.Equal(Math.Round((decimal)rate * sizes.Sum(), MidpointRounding.AwayFromZero), takes.Sum());
            for (var s = 0; s < sizes.Length; s++)
                Assert.InRange(takes[s], decimal.Floor((decimal)rate * sizes[s]), decimal.Ceiling((decimal)rate * sizes[s]));
        }
    }
}
