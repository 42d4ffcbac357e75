namespace Claims.Engine.Privacy;

/// <summary>The rules a release lists, in words shared by queries and cohorts: what was done, never a figure that was hidden.</summary>
internal static class DisclosureRules
{
    public static string Perturbation(DisclosurePolicy policy) =>
        $"perturbation (cell key method): each count is moved by −{PerturbationTable.MaxNoise} to +{PerturbationTable.MaxNoise} (variance {policy.Noise.Variance:0.00}, " +
        $"never into 1–{policy.Threshold - 1}), each sum by up to its largest single value; the same figure over the same records always gets the same answer, " +
        "and totals are perturbed on their own, so cells need not add up to them";

    public static string Budget(string project, int figures, AggregateRelease spend) =>
        $"budget: project '{project}' has been shown {spend.Spent} of its {spend.Budget} figures ({spend.Left} left; this release showed {figures}, repeats of earlier figures are free)";
}
