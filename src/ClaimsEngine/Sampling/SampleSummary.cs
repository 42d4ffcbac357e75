namespace Claims.Engine.Sampling;

/// <summary>What a sampling run drew and masked.</summary>
public sealed record SampleSummary(IReadOnlyList<SampledKindSummary> Kinds, IReadOnlyList<MaskSummary> Masks, long LineRows, TimeSpan Elapsed);

/// <summary>Claims of one kind in the drawn months of the source, dropped as very high-cost, and drawn into the sample.</summary>
public sealed record SampledKindSummary(string Kind, double Rate, long Source, long HighCost, long Drawn);

/// <summary>One masked column in one group: its distinct codes and occurrences in the sample, and how many of each were masked.</summary>
public sealed record MaskSummary(string Column, string Group, double Bound, int Codes, int MaskedCodes, long Occurrences, long MaskedOccurrences);
