namespace Claims.Engine.Privacy;

/// <summary>
/// The release rules for restricted data: cells of fewer than <see cref="Threshold"/> patients are suppressed, and a
/// cohort that differs from an earlier release by 1 to Threshold − 1 patients is refused (NDB open data uses 10).
/// </summary>
public sealed record DisclosurePolicy
{
    public const int DefaultThreshold = 10;

    /// <summary>The lowest threshold a release may use: the NDB's own rule. Tests of the mechanism may go lower; releases may not.</summary>
    public const int MinimumReleaseThreshold = 10;

    public DisclosurePolicy(int threshold = DefaultThreshold)
    {
        // A threshold of 1 would suppress nothing and let any difference through: that is no control at all.
        if (threshold < 2) throw new DisclosureException($"the disclosure threshold must be at least 2 (got {threshold})");
        Threshold = threshold;
    }

    public static DisclosurePolicy Default { get; } = new();

    public int Threshold { get; }

    /// <summary>
    /// A count that would disclose its patients. Zero is not small: it names nobody, the engine never returns an
    /// empty group, and a known zero is what lets the audit treat every suppressed cell as strictly positive.
    /// </summary>
    public bool IsSmall(long count) => count > 0 && count < Threshold;

    /// <summary>Whether two releases this many patients apart would disclose the patients between them.</summary>
    public bool IsDisclosingDifference(long difference) => IsSmall(difference);

    /// <summary>
    /// How every suppressed cell is shown in text, distinct from 0 and from an empty NULL. One marker for both
    /// rules, as the NDB's open data uses one: a marker saying "below the threshold" would pin down cells that
    /// subtraction leaves within a few values.
    /// </summary>
    public const string Marker = "x";
}
