namespace Claims.Engine.Sampling;

/// <summary>
/// The sample's receipt ids: 1 to N in a shuffled order, so nothing of the source's ids survives (generated ids are an
/// unkeyed, invertible scramble of person and sequence, and would link a patient's claims across the sample).
/// </summary>
internal static class ReceiptNumbers
{
    /// <summary>New id of every drawn receipt, by its source id.</summary>
    public static Dictionary<long, long> Assign(ulong seed, IReadOnlyCollection<long> drawn)
    {
        // The order's key depends on every drawn id, not only the seed: the seed is recorded in the product's
        // manifest, and a key of the seed and one id would let anyone with candidate ids place them among the numbers.
        // Only the holder of the source can recompute it; the same seed and source still give the same numbers.
        var salt = drawn.Aggregate(0UL, (sum, id) => unchecked(sum + SeededKey.Of(seed, id)));
        var numbers = new Dictionary<long, long>(drawn.Count);
        foreach (var id in drawn.OrderBy(id => SeededKey.Of(salt, id)).ThenBy(id => id)) numbers.Add(id, numbers.Count + 1);
        return numbers;
    }
}
