using Claims.Modelling.Spec;

namespace Claims.Modelling.Features;

/// <summary>
/// Flags by name and window, one bit per member, set from many scan threads at once: a diagnosis group or drug
/// class seen in a window. Bits cost a member 1/8 byte per flag, so thousands of rare codes stay cheap until
/// those too few members have are dropped (<see cref="FeatureExtractor"/>).
/// </summary>
internal sealed class FlagSet(int members, IReadOnlyList<MonthWindow> windows)
{
    private readonly Dictionary<string, ulong[][]> _flags = [];
    private readonly Lock _lock = new();

    /// <summary>The bits of one flag, made on first use.</summary>
    public ulong[][] Of(string name)
    {
        lock (_lock)
        {
            if (!_flags.TryGetValue(name, out var bits))
                _flags[name] = bits = Enumerable.Range(0, windows.Count).Select(_ => new ulong[(members + 63) / 64]).ToArray();
            return bits;
        }
    }

    public static void Set(ulong[] bits, int member) => Interlocked.Or(ref bits[member >> 6], 1UL << member);

    /// <summary>Every flag set in some member, named with its window, in name order, as indicators of at least <paramref name="minMembers"/> members.</summary>
    public IEnumerable<Indicator> Seen(int minMembers)
    {
        foreach (var (name, byWindow) in _flags.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            for (var w = 0; w < byWindow.Length; w++)
                if (Array.Exists(byWindow[w], word => word != 0)) yield return new Indicator(FeatureExtractor.Name(name, windows[w]), byWindow[w], minMembers);
        }
    }
}
