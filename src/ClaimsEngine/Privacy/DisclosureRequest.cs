namespace Claims.Engine.Privacy;

/// <summary>
/// Who asks (the project whose releases are remembered in <paramref name="Ledger"/>), what (the query's text, hashed
/// into the ledger), under which policy, and how many figures the project may be shown in all (its budget).
/// </summary>
public sealed record DisclosureRequest(string Project, IReleaseLedger Ledger, string Description, DisclosurePolicy Policy, long Budget = DisclosurePolicy.DefaultBudget);
