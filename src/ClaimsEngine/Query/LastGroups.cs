namespace Claims.Engine.Query;

/// <summary>
/// For one scan worker, per countDistinct, the group each value (a patient) was last added to. A patient's rows of
/// a grouped restricted query fall in one cell month after month, so all but the first of them skip the cell's set,
/// whose probe is the cost of the query; only the dense group-by numbers its groups (<see cref="GroupState.Ordinal"/>).
/// Where a patient's rows spread over many groups (ICD-10 categories), the table seldom hits and its reads cost
/// more than they save, so it is dropped once it has seen each value twice on average with under a quarter hit.
/// </summary>
internal sealed class LastGroups(int aggregates)
{
    // 64 MB a worker at most: the table is as long as the largest value seen.
    private const long MaxValues = 1 << 24;
    private readonly int[]?[] _last = new int[]?[aggregates];
    private readonly long[] _lookups = new long[aggregates];
    private readonly long[] _hits = new long[aggregates];
    private readonly bool[] _dropped = new bool[aggregates];

    /// <summary>The aggregate's table, long enough for values from <paramref name="min"/> to <paramref name="max"/>; null outside the bound or once dropped.</summary>
    public int[]? For(int aggregate, long min, long max)
    {
        if (_dropped[aggregate] || min < 0 || max >= MaxValues) return null;
        ref var last = ref _last[aggregate];
        if (last is null || last.Length <= max) Array.Resize(ref last, (int)Math.Max(max + 1, Math.Min(MaxValues, (last?.Length ?? 0) * 2L)));
        return last;
    }

    /// <summary>Counts a block's lookups in the aggregate's table and how many found the value already in its group.</summary>
    public void Record(int aggregate, long lookups, long hits)
    {
        _lookups[aggregate] += lookups;
        _hits[aggregate] += hits;
        if (_last[aggregate] is not { } last || _lookups[aggregate] < 2L * last.Length || _hits[aggregate] * 4 >= _lookups[aggregate]) return;
        _dropped[aggregate] = true;
        _last[aggregate] = null;
    }
}
