using Claims.Sandbox.Sql;
using Microsoft.Extensions.Time.Testing;

namespace Claims.Sandbox.Tests;

/// <summary>SQL admission on its own: the cap on statements at once, one place per user, first come first served.</summary>
public class SqlSlotsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));

    private SqlSlots.Lease Enter(SqlSlots slots, string user)
    {
        Assert.True(slots.TryEnter(user, _time.GetUtcNow().AddSeconds(10), out var lease, out _));
        return lease;
    }

    [Fact]
    public void At_most_capacity_statements_run_and_the_rest_wait_in_arrival_order()
    {
        var slots = new SqlSlots(2, _time);
        var a = Enter(slots, "a");
        var b = Enter(slots, "b");
        var c = Enter(slots, "c");
        var d = Enter(slots, "d");
        Assert.True(a.Admitted.IsCompleted && b.Admitted.IsCompleted);
        Assert.False(c.Admitted.IsCompleted || d.Admitted.IsCompleted);
        b.Dispose();
        Assert.True(c.Admitted.IsCompleted);
        Assert.False(d.Admitted.IsCompleted);
        a.Dispose();
        Assert.True(d.Admitted.IsCompleted);
    }

    [Fact]
    public void A_user_holds_one_place_and_is_told_when_to_retry()
    {
        var slots = new SqlSlots(4, _time);
        var first = Enter(slots, "a");
        _time.Advance(TimeSpan.FromSeconds(6.5));
        Assert.False(slots.TryEnter("a", _time.GetUtcNow().AddSeconds(10), out _, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(4), retryAfter);
        Assert.True(slots.TryEnter("b", _time.GetUtcNow().AddSeconds(10), out _, out _));
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.False(slots.TryEnter("a", _time.GetUtcNow().AddSeconds(10), out _, out retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(1), retryAfter);
        first.Dispose();
        Assert.True(slots.TryEnter("a", _time.GetUtcNow().AddSeconds(10), out _, out _));
    }

    [Fact]
    public void A_place_given_up_while_waiting_is_skipped_and_frees_the_user()
    {
        var slots = new SqlSlots(1, _time);
        var a = Enter(slots, "a");
        var b = Enter(slots, "b");
        var c = Enter(slots, "c");
        b.Dispose();
        var again = Enter(slots, "b");
        a.Dispose();
        Assert.True(c.Admitted.IsCompleted);
        Assert.False(b.Admitted.IsCompleted || again.Admitted.IsCompleted);
        c.Dispose();
        Assert.True(again.Admitted.IsCompleted);
    }

    [Fact]
    public async Task Readiness_signals_follow_running_waiting_and_idle()
    {
        var slots = new SqlSlots(1, _time);
        var idle = slots.WhenIdle();
        Assert.True(idle.IsCompleted);
        var running = slots.WhenRunning(1);
        var waiting = slots.WhenWaiting(1);
        var a = Enter(slots, "a");
        await running;
        Assert.False(waiting.IsCompleted);
        var b = Enter(slots, "b");
        await waiting;
        var none = slots.WhenIdle();
        a.Dispose();
        Assert.False(none.IsCompleted);
        b.Dispose();
        await none;
    }
}
