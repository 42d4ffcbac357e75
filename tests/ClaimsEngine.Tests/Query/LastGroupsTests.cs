using Claims.Engine.Query;

namespace Claims.Engine.Tests.Query;

/// <summary>
/// The per-worker table of the group each patient was last counted in: bounded, grown to the values seen, kept
/// while it saves set probes and dropped once it seldom does. Whether the counts stay right with it is the grouped
/// countDistinct oracles' business (random queries on 4,096-row blocks, where patients recur block after block).
/// </summary>
public class LastGroupsTests
{
    [Fact]
    public void The_table_covers_the_zone_and_grows_with_it_but_not_past_its_bound_or_below_zero()
    {
        var last = new LastGroups(2);
        var table = last.For(0, 0, 999);
        Assert.NotNull(table);
        Assert.True(table.Length >= 1_000);
        table[999] = 7;
        var grown = last.For(0, 5, 5_000);
        Assert.True(grown!.Length > 5_000);
        Assert.Equal(7, grown[999]);
        Assert.Same(grown, last.For(0, 0, 10));
        Assert.Null(last.For(1, -1, 10));
        Assert.Null(last.For(1, 0, 1 << 24));
        Assert.NotNull(last.For(1, 0, (1 << 24) - 1));
    }

    [Fact]
    public void A_table_that_seldom_hits_is_dropped_once_it_has_seen_each_value_twice_and_one_that_hits_is_kept()
    {
        var last = new LastGroups(2);
        var length = last.For(0, 0, 999)!.Length;
        last.For(1, 0, 999);
        // Under twice the table's length, even no hits at all decide nothing yet.
        last.Record(0, 2L * length - 1, 0);
        last.Record(1, 2L * length - 1, 0);
        Assert.NotNull(last.For(0, 0, 999));
        // A quarter hit keeps it; one hit fewer drops it, for good.
        last.Record(0, 1, length / 2);
        Assert.NotNull(last.For(0, 0, 999));
        last.Record(1, 1, length / 2 - 1);
        Assert.Null(last.For(1, 0, 999));
        last.Record(1, 10 * length, 10 * length);
        Assert.Null(last.For(1, 0, 999));
    }
}
