namespace Claims.Engine.Privacy;

/// <summary>
/// One release a project made: its number in the project's ledger, what it was, when, and how many patients its
/// cohort held; for an aggregate also the table (and its row count) whose selected rows were recorded beside it.
/// </summary>
public sealed record Release(int Number, string Kind, string Label, string DescriptionHash, DateTimeOffset Time, long Count, int Capacity,
    string? Table = null, long? TableRows = null);

/// <summary>The rows an aggregate was computed from, and how to find a row's patient (−1 when unknown).</summary>
public sealed record SelectedRows(Cohorts.RowSelection Rows, Func<long, int> PatientOf);
