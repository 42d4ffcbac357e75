using System.Runtime.CompilerServices;

namespace Claims.Engine.Kernels;

/// <summary>The stored integer types widened to long; the type tests fold away when the JIT specialises T.</summary>
internal static class Integers
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ToInt64<T>(T value) where T : unmanaged
    {
        if (typeof(T) == typeof(sbyte)) return Unsafe.BitCast<T, sbyte>(value);
        if (typeof(T) == typeof(short)) return Unsafe.BitCast<T, short>(value);
        if (typeof(T) == typeof(int)) return Unsafe.BitCast<T, int>(value);
        if (typeof(T) == typeof(long)) return Unsafe.BitCast<T, long>(value);
        throw new NotSupportedException(typeof(T).Name);
    }
}
