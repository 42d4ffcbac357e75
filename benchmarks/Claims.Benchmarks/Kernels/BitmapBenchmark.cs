using BenchmarkDotNet.Attributes;
using Claims.Engine.Kernels;

namespace Claims.Benchmarks.Kernels;

/// <summary>
/// The bitmap helpers on every path, over the selections of Size rows: combining (in place), counting, and
/// visiting the set bits of a half-full selection. GB/s is over one bitmap's bytes.
/// </summary>
[Config(typeof(KernelThroughputConfig))]
public class BitmapBenchmark
{
    private AlignedBuffer<ulong>? _target;
    private AlignedBuffer<ulong>? _other;

    [Params(SimdLevel.Scalar, SimdLevel.V128, SimdLevel.V256, SimdLevel.V512)]
    public SimdLevel Level { get; set; }

    // Rows, as elsewhere: 2^21+1 rows are 32,769 words.
    [Params(65_536, (1 << 21) + 1)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _target = new AlignedBuffer<ulong>(Bitmap.WordCount(Size));
        _other = new AlignedBuffer<ulong>(Bitmap.WordCount(Size));
        foreach (var buffer in new[] { _target, _other })
        {
            var words = buffer.Span;
            for (var w = 0; w < words.Length; w++) words[w] = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _target?.Dispose();
        _other?.Dispose();
    }

    // Repeated in-place And drives the target to zero; no kernel branches on the data, so the figure stands.
    [Benchmark]
    public void And() => Bitmap.And(_target!.Span, _other!.Span, Level);

    [Benchmark]
    public void Or() => Bitmap.Or(_target!.Span, _other!.Span, Level);

    [Benchmark]
    public void AndNot() => Bitmap.AndNot(_target!.Span, _other!.Span, Level);

    [Benchmark]
    // PopCount and iteration have one (scalar) path; the other levels measure nothing.
    public long PopCount() => Level == SimdLevel.Scalar ? Bitmap.PopCount(_other!.Span) : 0;

    [Benchmark]
    public long IterateSetBits()
    {
        if (Level != SimdLevel.Scalar) return 0;
        long sum = 0;
        foreach (var row in Bitmap.SetBits(_other!.Span)) sum += row;
        return sum;
    }
}
