using Claims.Engine.Privacy;

namespace Claims.Engine.Tests.Privacy;

/// <summary>
/// The policy's own rules: a threshold of at least 2 (1 would suppress nothing), a margin of 0 to the table's
/// largest noise, and a count small from 1 to one under the threshold (0 names nobody, so it is not small).
/// </summary>
public class DisclosurePolicyTests
{
    [Fact]
    public void A_threshold_of_two_is_the_lowest_a_policy_takes_and_one_is_refused_naming_it()
    {
        var two = new DisclosurePolicy(threshold: 2);
        Assert.Equal((2, 0, 2), (two.Threshold, two.Margin, two.Shown));
        Assert.Equal("the disclosure threshold must be at least 2 (got 1)", Assert.Throws<DisclosureException>(() => new DisclosurePolicy(threshold: 1)).Message);
        Assert.Equal("the disclosure threshold must be at least 2 (got 0)", Assert.Throws<DisclosureException>(() => new DisclosurePolicy(threshold: 0)).Message);
        // Both ends of the margin are allowed.
        Assert.Equal(10, new DisclosurePolicy(10, 0).Shown);
        Assert.Equal(10 + PerturbationTable.MaxNoise, new DisclosurePolicy(10, PerturbationTable.MaxNoise).Shown);
    }

    [Theory]
    [InlineData(10, 0, false)]
    [InlineData(10, 1, true)]
    [InlineData(10, 9, true)]
    [InlineData(10, 10, false)]
    [InlineData(10, 11, false)]
    [InlineData(2, 1, true)]
    [InlineData(2, 2, false)]
    [InlineData(2, 0, false)]
    public void A_count_is_small_from_one_to_one_under_the_threshold_and_so_is_a_difference_between_releases(int threshold, long count, bool small)
    {
        var policy = new DisclosurePolicy(threshold);
        Assert.Equal(small, policy.IsSmall(count));
        Assert.Equal(small, policy.IsDisclosingDifference(count));
    }
}
