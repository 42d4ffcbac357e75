using System.Numerics;
using BenchmarkDotNet.Attributes;
using Claims.Engine.Kernels;

namespace Claims.Benchmarks.Kernels;

/// <summary>
/// Each predicate kernel on every path and element type, writing a selection bitmap: a block (65,536 rows, in
/// cache) and 2^21+1 rows (past L2, odd so the tail runs). Seeded values, about half selected by the range.
/// </summary>
[Config(typeof(KernelThroughputConfig))]
[GenericTypeArguments(typeof(sbyte))]
[GenericTypeArguments(typeof(short))]
[GenericTypeArguments(typeof(int))]
[GenericTypeArguments(typeof(long))]
[GenericTypeArguments(typeof(float))]
public class PredicateBenchmark<T> where T : unmanaged, INumber<T>
{
    private AlignedBuffer<T>? _values;
    private AlignedBuffer<ulong>? _selection;
    private readonly ulong[] _members = new ulong[4];
    private T _lo, _hi;

    [Params(SimdLevel.Scalar, SimdLevel.V128, SimdLevel.V256, SimdLevel.V512)]
    public SimdLevel Level { get; set; }

    [Params(65_536, (1 << 21) + 1)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _values = new AlignedBuffer<T>(Size);
        var values = _values.Span;
        // 0..99 fits every type; a range of half of it selects about half the rows, the costliest case for a branchy twin.
        for (var i = 0; i < values.Length; i++) values[i] = T.CreateTruncating(random.Next(100));
        (_lo, _hi) = (T.CreateTruncating(25), T.CreateTruncating(74));
        for (var bit = 0; bit < 200; bit += 3) _members[bit >> 6] |= 1UL << bit;
        _selection = new AlignedBuffer<ulong>(Bitmap.WordCount(Size));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _values?.Dispose();
        _selection?.Dispose();
    }

    [Benchmark]
    public void Range() => Predicates.Range<T>(_values!.Span, _lo, _hi, _selection!.Span, BitmapMode.Write, Level);

    [Benchmark]
    public void RangeAnd() => Predicates.Range<T>(_values!.Span, _lo, _hi, _selection!.Span, BitmapMode.And, Level);

    [Benchmark]
    public void NotEqual() => Predicates.NotEqual<T>(_values!.Span, _lo, _selection!.Span, BitmapMode.Write, Level);

    [Benchmark]
    public void InSet()
    {
        // InSet is defined for sbyte, short and int only; the other types measure nothing here.
        if (typeof(T) == typeof(sbyte)) Predicates.InSet<sbyte>(System.Runtime.InteropServices.MemoryMarshal.Cast<T, sbyte>(_values!.Span), _members, _selection!.Span, BitmapMode.Write, Level);
        else if (typeof(T) == typeof(short)) Predicates.InSet<short>(System.Runtime.InteropServices.MemoryMarshal.Cast<T, short>(_values!.Span), _members, _selection!.Span, BitmapMode.Write, Level);
        else if (typeof(T) == typeof(int)) Predicates.InSet<int>(System.Runtime.InteropServices.MemoryMarshal.Cast<T, int>(_values!.Span), _members, _selection!.Span, BitmapMode.Write, Level);
    }
}
