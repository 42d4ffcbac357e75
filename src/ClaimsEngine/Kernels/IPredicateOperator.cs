using System.Runtime.Intrinsics;

namespace Claims.Engine.Kernels;

/// <summary>
/// One row predicate at every width, for <see cref="PredicateKernel"/>'s single loop. The vector overloads return
/// a lane mask (all bits set where the row is selected); only each lane's top bit is read, so a mask may come
/// from any comparison. The scalar overload is the twin every width must agree with, and must be branch-free:
/// a branchy twin at 50% selectivity runs several times slower.
/// </summary>
internal interface IPredicateOperator<T> where T : unmanaged
{
    bool Invoke(T x);
    Vector128<T> Invoke(Vector128<T> x);
    Vector256<T> Invoke(Vector256<T> x);
    Vector512<T> Invoke(Vector512<T> x);
}
