namespace Claims.Engine.Sampling;

/// <summary>
/// How one claim kind enters the sampling product: its sampling rate, the points from which a claim counts as very
/// high-cost and is dropped, and the masking group whose bound on masked code occurrences it shares.
/// </summary>
/// <param name="ClaimKind">The code of enum:claim_kind.</param>
/// <param name="Group">inpatient (inpatient and DPC) or outpatient (outpatient and pharmacy): the rates, thresholds and masking bounds come in these two groups.</param>
/// <param name="MaskShare">The most of a code column's occurrences in the group that may be masked.</param>
public sealed record SampledClaimKind(int ClaimKind, string Name, string Group, double Rate, int HighCostPoints, double MaskShare)
{
    /// <summary>
    /// The NDB's sampling datasets: 10% of inpatient and DPC claims, 1% of outpatient and pharmacy claims;
    /// inpatient claims from 700,000 points and outpatient ones from 50,000 dropped; rare codes masked up to
    /// 0.1% and 0.01% of occurrences. Dental claims are not part of the product.
    /// </summary>
    public static IReadOnlyList<SampledClaimKind> Ndb { get; } =
    [
        new(1, "inpatient", "inpatient", 0.10, 700_000, 0.001),
        new(3, "dpc", "inpatient", 0.10, 700_000, 0.001),
        new(2, "outpatient", "outpatient", 0.01, 50_000, 0.0001),
        new(4, "pharmacy", "outpatient", 0.01, 50_000, 0.0001),
    ];
}
