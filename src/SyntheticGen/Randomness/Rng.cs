using System.Numerics;
using System.Runtime.CompilerServices;

namespace Claims.SyntheticGen.Randomness;

/// <summary>
/// xoshiro256** seeded through SplitMix64. Every person draws from a stream of their own, derived from the dataset
/// seed and the person's index, so output is the same whatever the number of threads and whichever thread
/// generates whom.
/// </summary>
public struct Rng
{
    private ulong _s0, _s1, _s2, _s3;

    public Rng(ulong seed)
    {
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    /// <summary>An independent stream for (seed, stream, substream): e.g. (dataset seed, person index, purpose).</summary>
    public static Rng For(ulong seed, ulong stream, ulong substream = 0) =>
        new(Mix(seed ^ Mix(stream + 0x9E3779B97F4A7C15UL) ^ Mix(substream * 0xD1B54A32D192ED03UL + 0x632BE59BD9B4E019UL)));

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong SplitMix(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => Unit(NextUInt64());

    /// <summary>A uniform double in [0, 1) from the top 53 bits of <paramref name="bits"/>: a draw from a hash rather than a stream.</summary>
    public static double Unit(ulong bits) => (bits >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, n).</summary>
    public int Next(int n) => (int)(((NextUInt64() >> 32) * (ulong)(uint)n) >> 32);

    /// <summary>Uniform in [min, max].</summary>
    public int Between(int min, int max) => min + Next(max - min + 1);

    public bool Chance(double probability) => NextDouble() < probability;

    /// <summary>Standard normal (Box–Muller; one of the pair is dropped so that draws stay aligned to calls).</summary>
    public double Normal()
    {
        var u = 1.0 - NextDouble();
        var v = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
    }

    public double Normal(double mean, double sd) => mean + sd * Normal();

    public double LogNormal(double median, double sigma) => median * Math.Exp(sigma * Normal());

    /// <summary>Poisson: by inversion for the small rates of episodes, by its normal approximation above 30.</summary>
    public int Poisson(double lambda)
    {
        if (lambda <= 0) return 0;
        if (lambda > 30) return Math.Max(0, (int)Math.Round(lambda + Math.Sqrt(lambda) * Normal()));
        var l = Math.Exp(-lambda);
        var k = 0;
        var p = NextDouble();
        var term = l;
        var cumulative = l;
        while (p > cumulative && k < 200)
        {
            k++;
            term *= lambda / k;
            cumulative += term;
        }
        return k;
    }

    /// <summary>An index drawn by weight from a cumulative-weight table (last entry = total).</summary>
    public int Pick(ReadOnlySpan<double> cumulative)
    {
        var x = NextDouble() * cumulative[^1];
        var lo = 0;
        var hi = cumulative.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (cumulative[mid] <= x) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
