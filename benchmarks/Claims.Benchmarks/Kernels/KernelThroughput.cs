using System.Runtime.InteropServices;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace Claims.Benchmarks.Kernels;

/// <summary>
/// GB/s over the column values a kernel reads: Size rows of the benchmark's element type (its generic argument,
/// else a ulong bitmap word per 64 rows). Selection words read alongside are left out, being 1/8 to 1/64 of it.
/// </summary>
public sealed class KernelThroughputConfig : ManualConfig
{
    public KernelThroughputConfig() => AddColumn(new ThroughputColumn(Bytes));

    private static long Bytes(BenchmarkCase benchmarkCase)
    {
        var size = Convert.ToInt64(benchmarkCase.Parameters["Size"]);
        var type = benchmarkCase.Descriptor.Type;
        return type.IsGenericType ? size * Marshal.SizeOf(type.GetGenericArguments()[0]) : (size + 63) / 64 * sizeof(ulong);
    }
}
