using System.Runtime.InteropServices;

namespace Claims.Benchmarks.Kernels;

/// <summary>
/// A native buffer on a 64-byte boundary, like the store's mapped sections, so no vector load splits a cache
/// line and the figures do not depend on where the GC happened to put an array.
/// </summary>
public sealed unsafe class AlignedBuffer<T> : IDisposable where T : unmanaged
{
    private void* _memory;

    public AlignedBuffer(int length)
    {
        Length = length;
        _memory = NativeMemory.AlignedAlloc((nuint)Math.Max(1, length) * (nuint)sizeof(T), 64);
        Span.Clear();
    }

    public int Length { get; }

    public Span<T> Span => new(_memory, Length);

    public void Dispose()
    {
        NativeMemory.AlignedFree(_memory);
        _memory = null;
    }
}
