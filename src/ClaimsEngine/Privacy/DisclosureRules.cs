namespace Claims.Engine.Privacy;

/// <summary>The rules a release lists, in words shared by queries and cohorts: what was done, never a figure that was hidden.</summary>
internal static class DisclosureRules
{
    public static string Perturbation(DisclosurePolicy policy, string plural) =>
        $"perturbation (cell key method): each count is moved by −{PerturbationTable.MaxNoise} to +{PerturbationTable.MaxNoise} (variance {PerturbationTable.Variance:0.00}) " +
        $"and shown only if it stays at {policy.Shown} or more; each sum counts what any one of its {plural} adds only up to the column's cap (the 99th percentile of their totals over the whole table) and moves by a Laplace draw of about twice that cap; the same figure over the same records always gets the same answer, " +
        "and totals are perturbed on their own, so cells need not add up to them";

    public static string Differencing(DisclosurePolicy policy, string plural) =>
        $"near cells: a cell whose {plural} are the same as, or fewer than about {policy.Shown} apart from, those of a cell this project asked before " +
        $"(in this release or an earlier one) is shown that cell's figures, so the same {plural} asked any way get the same answer";

    public static string Unkept(string plural) =>
        $"counts first asked later: a count that a cell asked before was not kept with (rows of another table, any rows of a cohort's {plural}, " +
        "a count of a column's values the question that kept the cell did not ask or could not show, any count of a cell kept before December 2026) " +
        $"is shown as {DisclosurePolicy.Marker} when a later question asks it of that cell or one near it; ask it of a cell far from those asked before";

    public static string Budget(string project, AggregateRelease spend) =>
        $"budget: project '{project}' has spent {spend.Spent} of its {spend.Budget} figures ({spend.Left} left; every cell shown costs one, {DisclosurePolicy.Marker} included, asked again or not)";
}
