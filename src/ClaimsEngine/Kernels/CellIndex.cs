using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Claims.Engine.Kernels;

/// <summary>
/// The dense group-by's cell index, one key at a time: index[i] += (key(values[i]) - low) × stride, where the key
/// is the value itself or, for age bands, the value divided by five; the first key writes the index instead
/// (<c>first</c>), so a block's index is never cleared in a pass of its own. Small integers are widened in the register,
/// so a key costs one read of its column and one read and write of the index, whatever its type. Arithmetic wraps
/// in int on every path: a cell index is below 65,536 and a stored NULL's placeholder lands where the caller moves it.
/// </summary>
internal static class CellIndex
{
    /// <summary>The largest value <see cref="AddFifths{T}(ReadOnlySpan{T}, int, int, Span{int}, SimdLevel, bool)"/> divides exactly: (v × 13108) &gt;&gt; 16 is v / 5 up to here.</summary>
    public const int MaxFifths = 16383;

    private const int FifthMultiplier = 13108;

    public static void Add<T>(ReadOnlySpan<T> values, int low, int stride, Span<int> index, SimdLevel level, bool first = false) where T : unmanaged =>
        Run(values, low, stride, index, fifths: false, first, level);

    /// <summary>index[i] += (values[i] / 5 - low) × stride for values in [0, <see cref="MaxFifths"/>]; others give wrong cells.</summary>
    public static void AddFifths<T>(ReadOnlySpan<T> values, int low, int stride, Span<int> index, SimdLevel level, bool first = false) where T : unmanaged =>
        Run(values, low, stride, index, fifths: true, first, level);

    public static void Scalar<T>(ReadOnlySpan<T> values, int low, int stride, Span<int> index, bool fifths, bool first = false) where T : unmanaged
    {
        Require(values, index);
        for (var i = 0; i < values.Length; i++)
        {
            var key = (int)Integers.ToInt64(values[i]);
            index[i] = (first ? 0 : index[i]) + unchecked(((fifths ? key / 5 : key) - low) * stride);
        }
    }

    private static void Run<T>(ReadOnlySpan<T> values, int low, int stride, Span<int> index, bool fifths, bool first, SimdLevel level) where T : unmanaged
    {
        Require(values, index);
        var done = level switch
        {
            SimdLevel.V512 => Add512(values, low, stride, index, fifths, first),
            SimdLevel.V256 => Add256(values, low, stride, index, fifths, first),
            SimdLevel.V128 => Add128(values, low, stride, index, fifths, first),
            _ => 0,
        };
        Scalar(values[done..], low, stride, index[done..], fifths, first);
    }

    private static int Add512<T>(ReadOnlySpan<T> values, int low, int stride, Span<int> index, bool fifths, bool first) where T : unmanaged
    {
        ref var source = ref MemoryMarshal.GetReference(values);
        ref var target = ref MemoryMarshal.GetReference(index);
        var (lows, strides, multiplier) = (Vector512.Create(low), Vector512.Create(stride), Vector512.Create(FifthMultiplier));
        var i = 0;
        for (; i <= values.Length - Vector512<int>.Count; i += Vector512<int>.Count)
        {
            var key = Load512(ref source, i);
            if (fifths) key = Vector512.ShiftRightArithmetic(key * multiplier, 16);
            var before = first ? Vector512<int>.Zero : Vector512.LoadUnsafe(ref target, (nuint)i);
            Vector512.StoreUnsafe(before + (key - lows) * strides, ref target, (nuint)i);
        }
        return i;
    }

    private static int Add256<T>(ReadOnlySpan<T> values, int low, int stride, Span<int> index, bool fifths, bool first) where T : unmanaged
    {
        ref var source = ref MemoryMarshal.GetReference(values);
        ref var target = ref MemoryMarshal.GetReference(index);
        var (lows, strides, multiplier) = (Vector256.Create(low), Vector256.Create(stride), Vector256.Create(FifthMultiplier));
        var i = 0;
        for (; i <= values.Length - Vector256<int>.Count; i += Vector256<int>.Count)
        {
            var key = Load256(ref source, i);
            if (fifths) key = Vector256.ShiftRightArithmetic(key * multiplier, 16);
            var before = first ? Vector256<int>.Zero : Vector256.LoadUnsafe(ref target, (nuint)i);
            Vector256.StoreUnsafe(before + (key - lows) * strides, ref target, (nuint)i);
        }
        return i;
    }

    private static int Add128<T>(ReadOnlySpan<T> values, int low, int stride, Span<int> index, bool fifths, bool first) where T : unmanaged
    {
        ref var source = ref MemoryMarshal.GetReference(values);
        ref var target = ref MemoryMarshal.GetReference(index);
        var (lows, strides, multiplier) = (Vector128.Create(low), Vector128.Create(stride), Vector128.Create(FifthMultiplier));
        var i = 0;
        for (; i <= values.Length - Vector128<int>.Count; i += Vector128<int>.Count)
        {
            var key = Load128(ref source, i);
            if (fifths) key = Vector128.ShiftRightArithmetic(key * multiplier, 16);
            var before = first ? Vector128<int>.Zero : Vector128.LoadUnsafe(ref target, (nuint)i);
            Vector128.StoreUnsafe(before + (key - lows) * strides, ref target, (nuint)i);
        }
        return i;
    }

    // Each load reads exactly one vector of ints' worth of T (never past the span's end) and sign-extends it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Load512<T>(ref T source, int i) where T : unmanaged
    {
        if (typeof(T) == typeof(int)) return Vector512.LoadUnsafe(ref Unsafe.As<T, int>(ref source), (nuint)i);
        if (typeof(T) == typeof(short)) return Vector512.WidenLower(Vector256.LoadUnsafe(ref Unsafe.As<T, short>(ref source), (nuint)i).ToVector512Unsafe());
        var bytes = Vector128.LoadUnsafe(ref Unsafe.As<T, sbyte>(ref source), (nuint)i);
        return Vector512.WidenLower(Vector256.WidenLower(bytes.ToVector256Unsafe()).ToVector512Unsafe());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Load256<T>(ref T source, int i) where T : unmanaged
    {
        if (typeof(T) == typeof(int)) return Vector256.LoadUnsafe(ref Unsafe.As<T, int>(ref source), (nuint)i);
        if (typeof(T) == typeof(short)) return Vector256.WidenLower(Vector128.LoadUnsafe(ref Unsafe.As<T, short>(ref source), (nuint)i).ToVector256Unsafe());
        var bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref source, i)))).AsSByte();
        return Vector256.WidenLower(Vector128.WidenLower(bytes).ToVector256Unsafe());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Load128<T>(ref T source, int i) where T : unmanaged
    {
        if (typeof(T) == typeof(int)) return Vector128.LoadUnsafe(ref Unsafe.As<T, int>(ref source), (nuint)i);
        if (typeof(T) == typeof(short))
            return Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref source, i)))).AsInt16());
        var bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<int>(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref source, i)))).AsSByte();
        return Vector128.WidenLower(Vector128.WidenLower(bytes));
    }

    private static void Require<T>(ReadOnlySpan<T> values, Span<int> index) where T : unmanaged
    {
        if (typeof(T) != typeof(sbyte) && typeof(T) != typeof(short) && typeof(T) != typeof(int))
            throw new NotSupportedException($"cell indexes are built from sbyte, short and int keys, not {typeof(T).Name}");
        if (index.Length != values.Length) throw new ArgumentException($"{index.Length} cell indexes for {values.Length} keys", nameof(index));
    }
}
