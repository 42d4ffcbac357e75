using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Claims.Engine.Kernels;

/// <summary>x != v. A NaN value is selected, as IEEE inequality says.</summary>
internal readonly struct NotEqualOperator<T>(T value) : IPredicateOperator<T> where T : unmanaged, INumber<T>
{
    private readonly T _value = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Invoke(T x) => x != _value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<T> Invoke(Vector128<T> x) => ~Vector128.Equals(x, Vector128.Create(_value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<T> Invoke(Vector256<T> x) => ~Vector256.Equals(x, Vector256.Create(_value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<T> Invoke(Vector512<T> x) => ~Vector512.Equals(x, Vector512.Create(_value));
}
