namespace Claims.Engine;

/// <summary>
/// Reports on the caller's thread, in order. Progress&lt;T&gt; posts to the thread pool, so reports can arrive late
/// or out of order, which a progress bar tolerates but a crash test or a log does not.
/// </summary>
public sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
