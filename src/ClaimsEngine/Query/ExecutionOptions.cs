using Claims.Engine.Kernels;

namespace Claims.Engine.Query;

/// <summary>
/// How one call runs, without touching the process: the kernels' width (null: CLAIMS_SIMD or the CPU's best) and
/// how many blocks run at once (null: one per core).
/// </summary>
public sealed record ExecutionOptions(SimdLevel? Simd = null, int? Threads = null)
{
    public int? Threads { get; } = Threads is < 1 ? throw new ClaimsException($"threads must be at least 1, not {Threads}") : Threads;

    public static ExecutionOptions Default { get; } = new();

    internal ParallelOptions Parallel(CancellationToken cancellationToken) =>
        new() { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Threads ?? -1 };
}
