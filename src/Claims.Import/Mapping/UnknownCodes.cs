namespace Claims.Import.Mapping;

/// <summary>
/// Codes no master holds, with how often each was seen: a file from another fee revision can carry codes these
/// masters lack, which are kept as written and listed in the report rather than refused.
/// </summary>
internal sealed class UnknownCodes
{
    private readonly Dictionary<(string Master, string Code), int> _counts = [];

    public void Add(string master, string code) => _counts[(master, code)] = _counts.GetValueOrDefault((master, code)) + 1;

    public void AddAll(UnknownCodes other)
    {
        foreach (var (key, count) in other._counts) _counts[key] = _counts.GetValueOrDefault(key) + count;
    }

    /// <summary>Most frequent first, then by master and code.</summary>
    public UnknownCode[] Listed() => _counts.Select(u => new UnknownCode(u.Key.Master, u.Key.Code, u.Value))
        .OrderByDescending(u => u.Count).ThenBy(u => u.Master, StringComparer.Ordinal).ThenBy(u => u.Code, StringComparer.Ordinal).ToArray();
}
