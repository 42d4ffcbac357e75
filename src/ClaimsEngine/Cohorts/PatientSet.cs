using System.Numerics;
using Claims.Engine.Kernels;

namespace Claims.Engine.Cohorts;

/// <summary>
/// A set of linked patients as a bitset over patient_id (0 to <see cref="Capacity"/> − 1), the form cohorts are
/// held and combined in: a million patients take 125 KB, and union, intersection and difference are the SIMD
/// bitmap kernels.
/// </summary>
public sealed class PatientSet
{
    private readonly ulong[] _words;

    public PatientSet(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
        _words = new ulong[Bitmap.WordCount(capacity)];
    }

    private PatientSet(int capacity, ulong[] words)
    {
        Capacity = capacity;
        _words = words;
    }

    /// <summary>One more than the largest patient_id the set can hold.</summary>
    public int Capacity { get; }

    public ReadOnlySpan<ulong> Words => _words;

    public long Count => Bitmap.PopCount(_words);

    public bool Contains(int patient) => (uint)patient < (uint)Capacity && (_words[patient >> 6] & (1UL << patient)) != 0;

    public void Add(int patient)
    {
        if ((uint)patient >= (uint)Capacity) throw new ArgumentOutOfRangeException(nameof(patient), patient, $"patient ids run from 0 to {Capacity - 1}");
        _words[patient >> 6] |= 1UL << patient;
    }

    /// <summary><see cref="Add"/> that parallel scans can call on one set from several threads.</summary>
    internal void AddConcurrently(int patient)
    {
        if ((uint)patient >= (uint)Capacity) throw new ArgumentOutOfRangeException(nameof(patient), patient, $"patient ids run from 0 to {Capacity - 1}");
        Interlocked.Or(ref _words[patient >> 6], 1UL << patient);
    }

    public SetBitEnumerator GetEnumerator() => Bitmap.SetBits(_words);

    public PatientSet Union(PatientSet other) => Combine(other, static (target, source) => Bitmap.Or(target, source));

    public PatientSet Intersect(PatientSet other) => Combine(other, static (target, source) => Bitmap.And(target, source));

    public PatientSet Except(PatientSet other) => Combine(other, static (target, source) => Bitmap.AndNot(target, source));

    /// <summary>The number of patients in exactly one of the two sets.</summary>
    public long SymmetricDifference(PatientSet other)
    {
        var (small, large) = _words.Length <= other._words.Length ? (_words, other._words) : (other._words, _words);
        long count = 0;
        for (var i = 0; i < small.Length; i++) count += BitOperations.PopCount(small[i] ^ large[i]);
        return count + Bitmap.PopCount(large.AsSpan(small.Length));
    }

    /// <summary>The set over raw words (a released set read back, or a test's), bits past the capacity must be zero.</summary>
    public static PatientSet FromWords(int capacity, ulong[] words)
    {
        if (words.Length != Bitmap.WordCount(capacity)) throw new ArgumentException($"{words.Length} words do not hold {capacity} patients", nameof(words));
        if ((capacity & 63) != 0 && words.Length > 0 && (words[^1] >> (capacity & 63)) != 0)
            throw new ArgumentException("bits are set past the capacity", nameof(words));
        return new PatientSet(capacity, words);
    }

    private delegate void Combiner(Span<ulong> target, ReadOnlySpan<ulong> source);

    private PatientSet Combine(PatientSet other, Combiner combine)
    {
        var capacity = Math.Max(Capacity, other.Capacity);
        var words = new ulong[Bitmap.WordCount(capacity)];
        _words.CopyTo(words, 0);
        var source = new ulong[words.Length];
        other._words.CopyTo(source, 0);
        combine(words, source);
        return new PatientSet(capacity, words);
    }
}
