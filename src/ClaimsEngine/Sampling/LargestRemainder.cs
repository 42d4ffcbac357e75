namespace Claims.Engine.Sampling;

/// <summary>
/// Hamilton's largest-remainder allocation: how many of each stratum to draw so that the total is round(rate × all
/// members) and every stratum keeps its share. Rounding each stratum on its own would draw nothing from any stratum
/// under half a claim's quota, which at 1% is every stratum under 50 claims, and so undersample a whole claim kind.
/// </summary>
internal static class LargestRemainder
{
    /// <summary>
    /// Every stratum gets the floor of its quota rate × size; the rest of round(rate × Σ sizes) (halves up) goes one
    /// each to the strata with the largest fractions, equal fractions in order of <paramref name="tieKeys"/>, then of
    /// index. So each stratum gets the floor or the ceiling of its quota. Arithmetic is decimal, in which the rates
    /// are exact, so 10% of 15 is a half and rounds up, and equal fractions compare equal.
    /// </summary>
    public static int[] Allocate(double rate, IReadOnlyList<int> sizes, IReadOnlyList<ulong> tieKeys)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(tieKeys.Count, sizes.Count, nameof(tieKeys));
        var exactRate = (decimal)rate;
        var quotas = sizes.Select(n => exactRate * n).ToArray();
        var takes = quotas.Select(q => (int)decimal.Floor(q)).ToArray();
        var total = (int)decimal.Round(exactRate * sizes.Sum(), MidpointRounding.AwayFromZero);
        var rest = total - takes.Sum();
        // rest never exceeds the strata with a fraction: their quotas sum to less than their floors plus their count.
        var byRemainder = Enumerable.Range(0, sizes.Count)
            .OrderByDescending(s => quotas[s] - takes[s]).ThenBy(s => tieKeys[s]).ThenBy(s => s);
        foreach (var s in byRemainder.Take(rest)) takes[s]++;
        return takes;
    }
}
