using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Claims.Engine.Kernels;

/// <summary>
/// Expands the low bits of a selection word into lane masks (lane i all ones when bit i is set), so aggregation
/// can mask values instead of branching per row. Only 32- and 64-bit lanes: narrower values are widened before
/// they are summed anyway, and 1 &lt;&lt; i would not fit a narrow lane.
/// </summary>
internal static class LaneMasks
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Int512(ulong bits)
    {
        var lanes = Vector512.Create(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768);
        return Vector512.Equals(Vector512.Create((int)bits) & lanes, lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> Long512(ulong bits)
    {
        var lanes = Vector512.Create(1L, 2, 4, 8, 16, 32, 64, 128);
        return Vector512.Equals(Vector512.Create((long)bits) & lanes, lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Int256(ulong bits)
    {
        var lanes = Vector256.Create(1, 2, 4, 8, 16, 32, 64, 128);
        return Vector256.Equals(Vector256.Create((int)bits) & lanes, lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> Long256(ulong bits)
    {
        var lanes = Vector256.Create(1L, 2, 4, 8);
        return Vector256.Equals(Vector256.Create((long)bits) & lanes, lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Int128(ulong bits)
    {
        var lanes = Vector128.Create(1, 2, 4, 8);
        return Vector128.Equals(Vector128.Create((int)bits) & lanes, lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> Long128(ulong bits)
    {
        var lanes = Vector128.Create(1L, 2);
        return Vector128.Equals(Vector128.Create((long)bits) & lanes, lanes);
    }
}
