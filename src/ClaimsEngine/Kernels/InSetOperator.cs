using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Claims.Engine.Kernels;

/// <summary>
/// x in a set over a small domain [0, domain): dictionary ids (IN lists of codes) and small codes such as the
/// prefecture. The set is a bitmap indexed by value, so a lookup costs the same for 2 members as for 2,000.
/// Holds a pointer because the gather instructions need one: <see cref="Predicates.InSet{T}(ReadOnlySpan{T}, ReadOnlySpan{ulong}, Span{ulong}, BitmapMode, SimdLevel)"/>
/// pins the members for exactly as long as the operator lives. Vector paths gather 32-bit words of the set
/// with AVX2 (AVX-512 has no gather the runtime exposes, so 512 gathers in 256-bit halves); elsewhere they
/// look each lane up one by one, which is still correct.
/// </summary>
public readonly unsafe struct InSetOperator<T> : IPredicateOperator<T> where T : unmanaged, IBinaryInteger<T>
{
    private readonly uint* _words;
    private readonly uint _domain;

    /// <param name="members">Pinned for the operator's lifetime; must hold at least one word.</param>
    /// <param name="words">Its length in 64-bit words.</param>
    public InSetOperator(ulong* members, int words)
    {
        if (typeof(T) != typeof(sbyte) && typeof(T) != typeof(short) && typeof(T) != typeof(int))
            throw new NotSupportedException($"InSet runs over sbyte, short and int values, not {typeof(T).Name}");
        if (words <= 0) throw new ArgumentOutOfRangeException(nameof(words), "an empty set needs no operator");
        _words = (uint*)members;
        // Past 2^31 values the gather's signed word index would wrap; no dictionary gets near that.
        _domain = (uint)Math.Min((long)words * 64, int.MaxValue);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Invoke(T x)
    {
        // Sign extension makes negative values huge, so one unsigned compare covers both ends; the clamp keeps
        // the load inside the set without a branch.
        var value = (uint)int.CreateTruncating(x);
        var index = Math.Min(value, _domain - 1);
        return ((_words[index >> 5] >> (int)(index & 31)) & (value < _domain ? 1u : 0u)) != 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<int> Lookup(Vector256<int> x)
    {
        var value = x.AsUInt32();
        var domain = Vector256.Create(_domain);
        var index = Vector256.Min(value, domain - Vector256<uint>.One);
        var words = Avx2.GatherVector256((int*)_words, (index >> 5).AsInt32(), 4).AsUInt32();
        var bit = Avx2.ShiftRightLogicalVariable(words, index & Vector256.Create(31u)) & Vector256<uint>.One;
        return (Vector256.Equals(bit, Vector256<uint>.One) & Vector256.LessThan(value, domain)).AsInt32();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector128<int> Lookup(Vector128<int> x)
    {
        var value = x.AsUInt32();
        var domain = Vector128.Create(_domain);
        var index = Vector128.Min(value, domain - Vector128<uint>.One);
        var words = Avx2.GatherVector128((int*)_words, (index >> 5).AsInt32(), 4).AsUInt32();
        var bit = Avx2.ShiftRightLogicalVariable(words, index & Vector128.Create(31u)) & Vector128<uint>.One;
        return (Vector128.Equals(bit, Vector128<uint>.One) & Vector128.LessThan(value, domain)).AsInt32();
    }

    private Vector128<T> LaneByLane(Vector128<T> x)
    {
        Span<T> mask = stackalloc T[Vector128<T>.Count];
        for (var i = 0; i < mask.Length; i++) mask[i] = Invoke(x.GetElement(i)) ? T.AllBitsSet : T.Zero;
        return Vector128.Create<T>(mask);
    }

    public Vector128<T> Invoke(Vector128<T> x)
    {
        if (!Avx2.IsSupported) return LaneByLane(x);
        if (typeof(T) == typeof(int)) return Lookup(x.AsInt32()).As<int, T>();
        if (typeof(T) == typeof(short))
        {
            var (lower, upper) = Vector128.Widen(x.AsInt16());
            return Vector128.Narrow(Lookup(lower), Lookup(upper)).As<short, T>();
        }
        var (low, high) = Vector128.Widen(x.AsSByte());
        var (a, b) = Vector128.Widen(low);
        var (c, d) = Vector128.Widen(high);
        return Vector128.Narrow(Vector128.Narrow(Lookup(a), Lookup(b)), Vector128.Narrow(Lookup(c), Lookup(d))).As<sbyte, T>();
    }

    public Vector256<T> Invoke(Vector256<T> x)
    {
        if (!Avx2.IsSupported) return Vector256.Create(LaneByLane(x.GetLower()), LaneByLane(x.GetUpper()));
        if (typeof(T) == typeof(int)) return Lookup(x.AsInt32()).As<int, T>();
        if (typeof(T) == typeof(short))
        {
            var (lower, upper) = Vector256.Widen(x.AsInt16());
            return Vector256.Narrow(Lookup(lower), Lookup(upper)).As<short, T>();
        }
        var (low, high) = Vector256.Widen(x.AsSByte());
        var (a, b) = Vector256.Widen(low);
        var (c, d) = Vector256.Widen(high);
        return Vector256.Narrow(Vector256.Narrow(Lookup(a), Lookup(b)), Vector256.Narrow(Lookup(c), Lookup(d))).As<sbyte, T>();
    }

    public Vector512<T> Invoke(Vector512<T> x) => Vector512.Create(Invoke(x.GetLower()), Invoke(x.GetUpper()));
}
