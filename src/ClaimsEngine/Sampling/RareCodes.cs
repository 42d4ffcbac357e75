namespace Claims.Engine.Sampling;

/// <summary>
/// The NDB's rule "rare codes masked until 0.1% (0.01%) of occurrences are masked", read as: take the codes of a
/// column from the rarest up (ties in code order, so the choice is deterministic) and mask each while the masked
/// occurrences stay within the share of all occurrences. The bound is never passed, so a column with no code rare
/// enough masks nothing.
/// </summary>
internal static class RareCodes
{
    public static IReadOnlySet<string> Choose(IReadOnlyDictionary<string, long> occurrences, double share)
    {
        var budget = share * occurrences.Values.Sum();
        var masked = new HashSet<string>(StringComparer.Ordinal);
        long used = 0;
        foreach (var (code, count) in occurrences.OrderBy(o => o.Value).ThenBy(o => o.Key, StringComparer.Ordinal))
        {
            // Counts only grow from here, so the first code that does not fit ends the masking.
            if (used + count > budget) break;
            used += count;
            masked.Add(code);
        }
        return masked;
    }
}
