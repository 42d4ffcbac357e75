using Claims.Engine;
using Claims.Sandbox.Hosting;
using Microsoft.Extensions.Options;

namespace Claims.Sandbox.Datasets;

/// <summary>
/// The time limit on engine work a caller waits for (queries, cohort counts, the cohort of an extract being
/// submitted), <see cref="SandboxOptions.EngineTimeoutSeconds"/>, as SQL has its own. The work gets a token that is
/// cancelled when the limit passes or the caller goes away, and the engine stops at its next block. Past the limit
/// the request is a <see cref="ClaimsException"/> naming the limit (400, as for SQL); a caller gone leaves an
/// <see cref="OperationCanceledException"/>, which the host answers with nothing.
/// </summary>
public sealed class EngineTimeLimit(IOptions<SandboxOptions> options, TimeProvider time)
{
    public TimeSpan Limit => TimeSpan.FromSeconds(options.Value.EngineTimeoutSeconds);

    /// <summary>Runs <paramref name="work"/> under the limit; <paramref name="what"/> names it in the refusal ("query", "cohort").</summary>
    public T Run<T>(string what, Func<CancellationToken, T> work, CancellationToken aborted)
    {
        var limit = Limit;
        using var timer = new CancellationTokenSource(limit, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, aborted);
        try
        {
            return work(linked.Token);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            throw new ClaimsException($"the {what} exceeded {limit.TotalSeconds:0.###} s, the time limit for engine queries and cohorts here; " +
                "narrow it (fewer months, tables, rules or codes)");
        }
    }
}
