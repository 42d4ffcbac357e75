using Claims.Engine.Cohorts;
using Claims.Engine.Extracts;
using Claims.Engine.Privacy;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;
using Claims.Sandbox.Datasets;
using Claims.Sandbox.Projects;

namespace Claims.Sandbox.Extracts;

/// <summary>An extract that may run: its data (opened here, or split over a cluster), cohort, grant and format.</summary>
public sealed record PlannedExtract(Dataset? Dataset, ShardedDataset? Cluster, Cohort Cohort, ProjectGrant Grant, ExtractFormat Format)
{
    /// <summary>Checks the cohort against the project's earlier releases and records it (restricted data).</summary>
    public void Approve(DisclosureRequest request)
    {
        if (Cluster is { } cluster) CohortDisclosure.ApproveExtract(cluster, Cohort, request);
        else CohortDisclosure.ApproveExtract(Dataset!, Cohort, request);
    }

    public ExtractManifest Write(ExtractRequest request, CancellationToken cancellationToken) =>
        Cluster is { } cluster ? CohortExtract.Write(cluster, Cohort, request, cancellationToken) : CohortExtract.Write(Dataset!, Cohort, request, cancellationToken);
}

/// <summary>
/// The whole validation of an extract, done when it is submitted (so the caller hears at once: 403, 404 or 400)
/// and again when its job runs (the project may have expired or been rejected in between, the ledger grown).
/// </summary>
public sealed class ExtractPlanner(ProjectAccess access, DatasetRegistry datasets, IReleaseLedger ledger, DisclosurePolicy policy)
{
    /// <summary>
    /// The project grants the dataset to the user, the tables exist and the project allows them and those the
    /// cohort reads, the format is known, the cohort parses, and on restricted data it is not a few patients from the project's earlier
    /// releases (checked, not recorded: the job records it when it writes the rows). The cohort is bounded in size
    /// as a cohort count is (<see cref="RequestSize"/>), and its build stops when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public PlannedExtract Plan(string userId, string projectId, ExtractOrder order, CancellationToken cancellationToken)
    {
        var grant = access.Require(userId, projectId, order.Dataset);
        var cluster = datasets.TryGetCluster(order.Dataset, out var split) ? grant.Scope(split) : null;
        var dataset = cluster is null && datasets.TryGet(order.Dataset, out var whole) ? grant.Scope(whole) : null;
        var format = ExtractFormats.Parse(order.Format);
        if (cluster is not null) CohortExtract.CheckTables(cluster, order.Tables);
        else CohortExtract.CheckTables(dataset!, order.Tables);
        var schema = cluster?.Schema ?? dataset!.Schema;
        DatasetGate.RequireTables(grant, order.Tables.Select(schema.Table));
        var definition = CohortParser.Parse(order.Cohort, schema);
        // The cohort reads its tables as a count of it would: a project not approved for one must not pick patients by it.
        DatasetGate.RequireTables(grant, DatasetGate.Tables(definition, schema));
        RequestSize.Check(definition);
        var cohort = cluster?.BuildCohort(order.Cohort, cancellationToken) ?? dataset!.BuildCohort(definition, cancellationToken);
        if ((cluster?.Manifest ?? dataset!.Manifest).Access == DatasetAccess.Restricted)
            ledger.Check(grant.ProjectId, cohort.Patients, $"extract '{cohort.Name}'", policy);
        return new PlannedExtract(dataset, cluster, cohort, grant, format);
    }
}
