namespace Claims.Engine.Privacy;

/// <summary>Who asks (the project whose releases are remembered in <paramref name="Ledger"/>), what (the query's text, hashed into the ledger), and under which policy.</summary>
public sealed record DisclosureRequest(string Project, ReleaseLedger Ledger, string Description, DisclosurePolicy Policy);
