namespace Claims.Engine.Privacy;

/// <summary>
/// The release rules for restricted data: cells of fewer than <see cref="Threshold"/> patients are suppressed (NDB
/// open data uses 10), every other count and sum is perturbed by the cell key method (<see cref="Noise"/>), and
/// an extract whose cohort differs from an earlier release by 1 to Threshold − 1 patients is refused.
/// </summary>
/// <remarks>
/// A cell is shown where its count and its perturbed count reach the threshold, so a true 9 is never shown and a
/// true 10 about 60 % of the time: an analyst who knows nine people exactly learns from one cell of them and a tenth
/// whether the tenth holds a secret, and "shown" proves it. A <see cref="Margin"/> of m shows a cell only where its
/// perturbed count reaches the threshold plus m: with m = <see cref="PerturbationTable.MaxNoise"/> a true 10 is shown
/// about once in a hundred, the chance grows over 10 to 19 by at most a fifth per patient, and no single step is a
/// proof; nearness (<see cref="CellHistory"/>) widens alike to 19 apart. The cost is cells of 10 to 19 mostly hidden.
/// </remarks>
public sealed record DisclosurePolicy
{
    public const int DefaultThreshold = 10;

    /// <summary>The lowest threshold a release may use: the NDB's own rule. Tests of the mechanism may go lower; releases may not.</summary>
    public const int MinimumReleaseThreshold = 10;

    /// <summary>
    /// The figures a project may be shown before an admin grants more. A table of 47 prefectures × 2 figures costs
    /// 94; an attacker averaging three-cell differences needs about 550 figures to pin one small count (docs/disclosure-control.md).
    /// </summary>
    public const long DefaultBudget = 20_000;

    public DisclosurePolicy(int threshold = DefaultThreshold, int margin = 0)
    {
        // A threshold of 1 would suppress nothing and let any difference through: that is no control at all.
        if (threshold < 2) throw new DisclosureException($"the disclosure threshold must be at least 2 (got {threshold})");
        if (margin is < 0 or > PerturbationTable.MaxNoise)
            throw new DisclosureException($"the disclosure margin must be from 0 to {PerturbationTable.MaxNoise} (got {margin})");
        Threshold = threshold;
        Margin = margin;
        Noise = new PerturbationTable(threshold, margin);
    }

    public static DisclosurePolicy Default { get; } = new();

    public int Threshold { get; }

    /// <summary>How far past the threshold a cell's perturbed count must reach for it to be shown (see the remarks).</summary>
    public int Margin { get; }

    /// <summary>The least count a shown cell is shown with.</summary>
    public int Shown => Threshold + Margin;

    /// <summary>The perturbation table applied to every released count at or above the threshold.</summary>
    public PerturbationTable Noise { get; }

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
