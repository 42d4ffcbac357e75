namespace Claims.Engine.Sampling;

/// <summary>
/// A 64-bit key of a seed and an id (SplitMix64's finaliser), so neighbouring ids get unrelated keys and another
/// seed other keys. The draw orders claims by it, the allocation breaks ties with it, the renumbering orders receipts;
/// disclosure control picks the patients it reads a column's contribution cap from by it (ContributionCap).
/// </summary>
internal static class SeededKey
{
    public static ulong Of(ulong seed, long id) => Mix(Mix(seed) ^ (ulong)id);

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
