using System.Numerics;

namespace Claims.Engine.Query;

/// <summary>Visiting the set bits of a selection bitmap, lowest row first, without allocating.</summary>
internal static class Bits
{
    public static SetBitEnumerator Set(ReadOnlySpan<ulong> words) => new(words);

    public static void Set(Span<ulong> words, int row) => words[row >> 6] |= 1UL << (row & 63);

    public ref struct SetBitEnumerator(ReadOnlySpan<ulong> words)
    {
        private readonly ReadOnlySpan<ulong> _words = words;
        private int _word = -1;
        private ulong _bits;

        public int Current { get; private set; }

        public SetBitEnumerator GetEnumerator() => this;

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
}
