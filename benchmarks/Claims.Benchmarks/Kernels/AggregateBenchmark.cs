using System.Numerics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Claims.Engine.Kernels;

namespace Claims.Benchmarks.Kernels;

/// <summary>
/// Aggregation over a selection on every path and element type: a random selection of about half the rows,
/// so no word is skipped and every mask matters. Sum runs for every type (float into double); min and max for
/// int and long; the dense group-by (scalar by design) over 940 groups, prefecture × age band.
/// </summary>
[Config(typeof(KernelThroughputConfig))]
[GenericTypeArguments(typeof(sbyte))]
[GenericTypeArguments(typeof(short))]
[GenericTypeArguments(typeof(int))]
[GenericTypeArguments(typeof(long))]
[GenericTypeArguments(typeof(float))]
public class AggregateBenchmark<T> where T : unmanaged, INumber<T>
{
    private AlignedBuffer<T>? _values;
    private AlignedBuffer<ulong>? _selection;
    private AlignedBuffer<int>? _groups;
    private readonly long[] _counts = new long[940];
    private readonly long[] _sums = new long[940];

    [Params(SimdLevel.Scalar, SimdLevel.V128, SimdLevel.V256, SimdLevel.V512)]
    public SimdLevel Level { get; set; }

    [Params(65_536, (1 << 21) + 1)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _values = new AlignedBuffer<T>(Size);
        _groups = new AlignedBuffer<int>(Size);
        var values = _values.Span;
        var groups = _groups.Span;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = T.CreateTruncating(random.Next(-100, 100));
            groups[i] = random.Next(940);
        }
        _selection = new AlignedBuffer<ulong>(Bitmap.WordCount(Size));
        var selection = _selection.Span;
        for (var w = 0; w < selection.Length; w++) selection[w] = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40);
        if ((Size & 63) != 0) selection[^1] &= (1UL << (Size & 63)) - 1;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _values?.Dispose();
        _selection?.Dispose();
        _groups?.Dispose();
    }

    [Benchmark]
    public double Sum()
    {
        var values = _values!.Span;
        var selection = _selection!.Span;
        if (typeof(T) == typeof(float)) return MaskedSum.Sum(MemoryMarshal.Cast<T, float>(values), selection, Level);
        if (typeof(T) == typeof(sbyte)) return MaskedSum.Sum<sbyte>(MemoryMarshal.Cast<T, sbyte>(values), selection, Level);
        if (typeof(T) == typeof(short)) return MaskedSum.Sum<short>(MemoryMarshal.Cast<T, short>(values), selection, Level);
        if (typeof(T) == typeof(int)) return MaskedSum.Sum<int>(MemoryMarshal.Cast<T, int>(values), selection, Level);
        return MaskedSum.Sum<long>(MemoryMarshal.Cast<T, long>(values), selection, Level);
    }

    [Benchmark]
    public long MinMax()
    {
        // Defined for int and long only; the other types measure nothing here.
        var selection = _selection!.Span;
        if (typeof(T) == typeof(int))
        {
            var values = MemoryMarshal.Cast<T, int>(_values!.Span);
            return (long)MaskedMinMax.Min<int>(values, selection, Level)! + (long)MaskedMinMax.Max<int>(values, selection, Level)!;
        }
        if (typeof(T) == typeof(long))
        {
            var values = MemoryMarshal.Cast<T, long>(_values!.Span);
            return (long)MaskedMinMax.Min<long>(values, selection, Level)! + (long)MaskedMinMax.Max<long>(values, selection, Level)!;
        }
        return 0;
    }

    [Benchmark]
    public long GroupBy()
    {
        // Scalar only, so run it once (the int instance at the Scalar level) rather than 20 times.
        if (typeof(T) != typeof(int) || Level != SimdLevel.Scalar) return 0;
        DenseGroupBy.CountAndSum<int>(_groups!.Span, MemoryMarshal.Cast<T, int>(_values!.Span), _selection!.Span, _counts, _sums);
        return _counts[0];
    }
}
