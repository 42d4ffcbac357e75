namespace Claims.Engine.Storage;

/// <summary>The months <see cref="From"/> to <see cref="To"/> (YYYYMM, both included).</summary>
public sealed record MonthRange(int From, int To)
{
    public bool Contains(int month) => month >= From && month <= To;

    /// <summary>Whether the two ranges share a month (a null <paramref name="other"/>, no months, shares none).</summary>
    public bool Overlaps(MonthRange? other) => other is not null && From <= other.To && To >= other.From;

    /// <summary>Why the range is not one, or null when it is.</summary>
    public string? Problem() =>
        !MonthKey.IsValid(From) || !MonthKey.IsValid(To) || From > To ? $"months {From}–{To} are not a range FROM–TO in YYYYMM with FROM ≤ TO" : null;

    public override string ToString() => $"{From}–{To}";
}
