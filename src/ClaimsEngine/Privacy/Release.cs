namespace Claims.Engine.Privacy;

/// <summary>One release a project made: its number in the project's ledger, what it was, when, and how many patients its cohort held.</summary>
public sealed record Release(int Number, string Kind, string Label, string DescriptionHash, DateTimeOffset Time, long Count, int Capacity);

/// <summary>
/// An aggregate's release: its record in the ledger (none where the dataset has no linked patients) and the
/// project's budget after it: figures spent in all, of the budget granted.
/// </summary>
internal sealed record AggregateRelease(Release? Release, long Spent, long Budget)
{
    public long Left => Math.Max(0, Budget - Spent);
}
