using System.Runtime.CompilerServices;

namespace Claims.Engine.Kernels;

/// <summary>
/// The three <see cref="BitmapMode"/>s as types, so the predicate loop is compiled once per mode with the
/// store inlined rather than switching on every word.
/// </summary>
internal interface IBitmapStore
{
    static abstract void Store(ref ulong word, ulong bits);
}

internal readonly struct WriteStore : IBitmapStore
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ref ulong word, ulong bits) => word = bits;
}

internal readonly struct AndStore : IBitmapStore
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ref ulong word, ulong bits) => word &= bits;
}

internal readonly struct OrStore : IBitmapStore
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ref ulong word, ulong bits) => word |= bits;
}
