namespace Claims.Engine.Privacy;

/// <summary>One release a project made: its number in the project's ledger, what it was, when, and how many patients its cohort held.</summary>
public sealed record Release(int Number, string Kind, string Label, string DescriptionHash, DateTimeOffset Time, long Count, int Capacity);
