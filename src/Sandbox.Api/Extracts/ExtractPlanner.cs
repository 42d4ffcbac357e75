using Claims.Engine.Cohorts;
using Claims.Engine.Extracts;
using Claims.Engine.Privacy;
using Claims.Engine.Storage;
using Claims.Sandbox.Datasets;
using Claims.Sandbox.Projects;

namespace Claims.Sandbox.Extracts;

/// <summary>An extract that may run: its data, cohort, grant and format.</summary>
public sealed record PlannedExtract(Dataset Dataset, Cohort Cohort, ProjectGrant Grant, ExtractFormat Format);

/// <summary>
/// The whole validation of an extract, done when it is submitted (so the caller hears at once: 403, 404 or 400)
/// and again when its job runs (the project may have expired or been rejected in between, the ledger grown).
/// </summary>
public sealed class ExtractPlanner(ProjectAccess access, DatasetRegistry datasets, IReleaseLedger ledger, DisclosurePolicy policy)
{
    /// <summary>
    /// The project grants the dataset to the user, the tables exist and the project allows them, the format is
    /// known, the cohort parses, and on restricted data it is not a few patients from the project's earlier
    /// releases (checked, not recorded: the job records it when it writes the rows). The cohort is bounded in size
    /// as a cohort count is (<see cref="RequestSize"/>), and its build stops when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public PlannedExtract Plan(string userId, string projectId, ExtractOrder order, CancellationToken cancellationToken)
    {
        var grant = access.Require(userId, projectId, order.Dataset);
        datasets.TryGet(order.Dataset, out var whole);
        var dataset = grant.Scope(whole!);
        var format = ExtractFormats.Parse(order.Format);
        CohortExtract.CheckTables(dataset, order.Tables);
        DatasetGate.RequireTables(grant, order.Tables.Select(dataset.Schema.Table));
        var definition = CohortParser.Parse(order.Cohort, dataset.Schema);
        RequestSize.Check(definition);
        var cohort = dataset.BuildCohort(definition, cancellationToken);
        if (dataset.Manifest.Access == DatasetAccess.Restricted) ledger.Check(grant.ProjectId, cohort.Patients, $"extract '{cohort.Name}'", policy);
        return new PlannedExtract(dataset, cohort, grant, format);
    }
}
