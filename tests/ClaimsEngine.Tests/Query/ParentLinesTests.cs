using Claims.Engine.Query;
using Claims.Engine.Storage;

namespace Claims.Engine.Tests.Query;

/// <summary>
/// The lines parent tests pick, kept per dataset (<see cref="ParentLines"/>): eight tests, the one asked longest ago
/// going first, and a failed build not kept. Asked of a period of the fixture, a dataset of its own, so no other
/// test's bits are pushed out.
/// </summary>
[Collection(SmallBlockData.Name)]
public sealed class ParentLinesTests(SmallBlockFixture data)
{
    private Dataset Period(int month) => data.Dataset.Period(new MonthRange(month, month));

    [Fact]
    public void Past_eight_tests_the_one_asked_longest_ago_is_built_again_and_the_others_are_not()
    {
        var months = data.Dataset.Months!;
        var dataset = Period(months.From);
        var partition = dataset.Table("drugs").Partitions.Single();
        var builds = new Dictionary<string, int>();
        ulong[] Ask(string text) => ParentLines.Of(dataset, text, partition, () =>
        {
            builds[text] = builds.GetValueOrDefault(text) + 1;
            return [(ulong)text.Length];
        });

        for (var t = 0; t < 8; t++) Ask($"t{t}");
        Ask("t0");
        Ask("t8");
        // t1 was asked longest ago: t8 took its place; t0, asked again since, stayed.
        foreach (var text in new[] { "t0", "t2", "t7", "t8" }) Ask(text);
        Assert.All(builds, b => Assert.Equal(1, b.Value));
        Ask("t1");
        Assert.Equal(2, builds["t1"]);
        Assert.Equal(9, builds.Count);
    }

    [Fact]
    public void A_build_that_fails_is_built_again_when_asked_again()
    {
        var months = data.Dataset.Months!;
        var dataset = Period(months.From + 1);
        var partition = dataset.Table("drugs").Partitions.Single();
        Assert.Throws<InsufficientExecutionStackException>(() => ParentLines.Of(dataset, "t", partition, () => throw new InsufficientExecutionStackException()));
        Assert.Equal([7UL], ParentLines.Of(dataset, "t", partition, () => [7UL]));
    }
}
