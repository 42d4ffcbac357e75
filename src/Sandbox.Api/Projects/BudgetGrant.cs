namespace Claims.Sandbox.Projects;

/// <summary>The body of POST /api/projects/{id}/budget: how many more figures the project may be shown.</summary>
public sealed record BudgetGrant(long? Figures)
{
    /// <summary>One grant's ceiling: a budget is raised step by step, each step a decision in the audit log.</summary>
    public const long MaxFigures = 1_000_000;
}
