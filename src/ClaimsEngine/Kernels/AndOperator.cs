using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Claims.Engine.Kernels;

/// <summary>Rows where both predicates hold (AND nodes).</summary>
internal readonly struct AndOperator : IBitwiseOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Invoke(ulong target, ulong other) => target & other;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<ulong> Invoke(Vector128<ulong> target, Vector128<ulong> other) => target & other;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> Invoke(Vector256<ulong> target, Vector256<ulong> other) => target & other;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> Invoke(Vector512<ulong> target, Vector512<ulong> other) => target & other;
}
