namespace Claims.Engine.Sampling;

/// <summary>What the sampling product draws; the defaults are the NDB's.</summary>
public sealed record SampleOptions
{
    /// <summary>The same seed gives the same claims and byte-identical column files.</summary>
    public ulong Seed { get; init; }

    /// <summary>Calendar months (1–12) of every year in the source that are drawn.</summary>
    public IReadOnlyList<int> Months { get; init; } = [1, 4, 7, 10];

    public IReadOnlyList<SampledClaimKind> Kinds { get; init; } = SampledClaimKind.Ndb;
}
