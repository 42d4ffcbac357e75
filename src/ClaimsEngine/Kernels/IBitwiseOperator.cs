using System.Runtime.Intrinsics;

namespace Claims.Engine.Kernels;

/// <summary>One way of combining two selection bitmaps, at every width, for <see cref="Bitmap"/>'s single loop.</summary>
internal interface IBitwiseOperator
{
    static abstract ulong Invoke(ulong target, ulong other);
    static abstract Vector128<ulong> Invoke(Vector128<ulong> target, Vector128<ulong> other);
    static abstract Vector256<ulong> Invoke(Vector256<ulong> target, Vector256<ulong> other);
    static abstract Vector512<ulong> Invoke(Vector512<ulong> target, Vector512<ulong> other);
}
