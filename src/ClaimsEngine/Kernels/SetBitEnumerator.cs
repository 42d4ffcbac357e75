using System.Numerics;

namespace Claims.Engine.Kernels;

/// <summary>
/// Walks the set bits of a selection with trailing-zero counts: one step per selected row plus one per word,
/// never one per row. A ref struct so a foreach over it allocates nothing.
/// </summary>
public ref struct SetBitEnumerator
{
    private readonly ReadOnlySpan<ulong> _words;
    private int _word;
    private ulong _bits;

    internal SetBitEnumerator(ReadOnlySpan<ulong> words)
    {
        _words = words;
        _word = -1;
        _bits = 0;
        Current = -1;
    }

    public int Current { get; private set; }

    public readonly SetBitEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        while (_bits == 0)
        {
            if (++_word >= _words.Length) return false;
            _bits = _words[_word];
        }
        Current = (_word << 6) + BitOperations.TrailingZeroCount(_bits);
        _bits &= _bits - 1;
        return true;
    }
}
