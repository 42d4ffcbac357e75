using System.Runtime.Intrinsics;

namespace Claims.Engine.Kernels;

/// <summary>The vector width a kernel runs at; every kernel has a path for each, and a scalar twin.</summary>
public enum SimdLevel
{
    Scalar,
    V128,
    V256,
    V512,
}

/// <summary>
/// Chooses the kernels' path: the widest the CPU accelerates, unless CLAIMS_SIMD (scalar, 128, 256 or 512) forces
/// one for the process, or a query's <see cref="Query.ExecutionOptions"/> for its own blocks, so that tests and
/// benchmarks can run every path on any machine, and two queries at once at two widths. A forced width the CPU
/// lacks still gives correct results, only slowly (the runtime emulates it).
/// </summary>
public static class SimdLevels
{
    public const string Variable = "CLAIMS_SIMD";

    public static SimdLevel Best { get; } =
        Vector512.IsHardwareAccelerated ? SimdLevel.V512
        : Vector256.IsHardwareAccelerated ? SimdLevel.V256
        : Vector128.IsHardwareAccelerated ? SimdLevel.V128
        : SimdLevel.Scalar;

    /// <summary>The process's width: CLAIMS_SIMD, else the best.</summary>
    public static SimdLevel Configured { get; } = Parse(Environment.GetEnvironmentVariable(Variable)) ?? Best;

    [ThreadStatic] private static SimdLevel? t_forced;

    /// <summary>The width kernels run at on this thread: the one a running query forced (<see cref="Use"/>), else the process's.</summary>
    public static SimdLevel Active => t_forced ?? Configured;

    /// <summary>Forces <paramref name="level"/> (null: what was in force) on this thread until the scope is disposed.</summary>
    internal static Scope Use(SimdLevel? level)
    {
        var previous = t_forced;
        t_forced = level ?? previous;
        return new Scope(previous);
    }

    internal readonly struct Scope(SimdLevel? previous) : IDisposable
    {
        public void Dispose() => t_forced = previous;
    }

    public static IReadOnlyList<SimdLevel> All { get; } = Enum.GetValues<SimdLevel>();

    public static SimdLevel? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "scalar" => SimdLevel.Scalar,
        "128" => SimdLevel.V128,
        "256" => SimdLevel.V256,
        "512" => SimdLevel.V512,
        _ => throw new ClaimsException($"{Variable}='{value}' is not one of scalar, 128, 256, 512"),
    };
}
