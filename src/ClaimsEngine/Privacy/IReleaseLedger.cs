using Claims.Engine.Cohorts;

namespace Claims.Engine.Privacy;

/// <summary>
/// Where a project's releases, its spent budget, the cells it was shown and the custodian's noise secret are kept,
/// and under whose lock a release is decided. <see cref="ReleaseLedger"/> keeps them in a folder on one machine; a
/// cluster keeps them in one place for every node, since two nodes deciding releases apart would each miss what the
/// other showed. The release itself (<see cref="DisclosureControl"/>, <see cref="CohortDisclosure"/>) is the same
/// whichever ledger it records in.
/// </summary>
public interface IReleaseLedger
{
    IReadOnlyList<Release> Releases(string project);

    /// <summary>How many figures the project has been shown (each distinct figure once).</summary>
    long Spent(string project);

    /// <summary>Refuses <paramref name="patients"/> if it differs from one of the project's releases by 1 to threshold − 1 patients.</summary>
    void Check(string project, PatientSet patients, string what, DisclosurePolicy policy);

    /// <summary><see cref="Check"/> then a record of the release under one lock, so two concurrent releases cannot both pass against the ledger without each other.</summary>
    Release CheckAndRecord(string project, PatientSet patients, string kind, string label, string description, DisclosurePolicy policy);

    /// <summary>
    /// An aggregate's release, decided and recorded under the project's lock: refused before
    /// <paramref name="release"/> runs when the project's budget is spent; otherwise <paramref name="release"/>
    /// decides each cell's figures against the cells asked before (<see cref="CellHistory"/>) and says how many cells
    /// it shows and whose patients; those are spent from the budget (even past it: a refusal decided by them would
    /// say whether anything was there to show), the patients recorded for later extracts to be checked against,
    /// and the cells and figures shown for the first time kept for later releases.
    /// </summary>
    internal (T Result, AggregateRelease Spend) Release<T>(DisclosureRequest request, RecordKeys keys, string kind, string label,
        Func<CellHistory, (T Result, PatientSet? Patients, int Cells)> release);

    /// <summary>The record keys of <paramref name="dataset"/> for <paramref name="project"/> under this ledger's secret.</summary>
    internal RecordKeys KeysFor(Storage.Dataset dataset, string project);
}
