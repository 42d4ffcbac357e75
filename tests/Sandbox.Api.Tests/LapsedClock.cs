namespace Claims.Sandbox.Tests;

/// <summary>
/// A clock on which every timer is due the moment it is set: a time limit kept on it has passed before the work
/// under it starts, so a test sees the limit stop the work without waiting and without depending on speed.
/// </summary>
public sealed class LapsedClock : TimeProvider
{
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        callback(state);
        return System.CreateTimer(_ => { }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }
}
