using Claims.Engine.Privacy;
using Claims.Engine.Schema;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;
using Claims.Modelling.Reports;
using Claims.Modelling.Spec;
using Claims.Modelling.Training;
using Claims.Sandbox.Datasets;
using Claims.Sandbox.Projects;

namespace Claims.Sandbox.Models;

/// <summary>A model that may be trained: its data as the project sees it (opened here, or split over a cluster), its spec, and the release request its figures go out under.</summary>
public sealed record PlannedModel(Dataset? Dataset, ShardedDataset? Cluster, ModelSpec Spec, DisclosureRequest Disclosure)
{
    public ModelReport Train(string output, CancellationToken cancellationToken) =>
        Cluster is { } cluster ? ModelRun.Train(cluster, Spec, output, Disclosure, cancellationToken) : ModelRun.Train(Dataset!, Spec, output, Disclosure, cancellationToken);
}

/// <summary>
/// The whole validation of a model job, done when it is submitted (403, 404 or 400 at once) and again when it runs
/// (the project may have been rejected or expired in between). On restricted data the project must be approved for
/// the dataset, as for queries and extracts, and the spec's training regime must pass the disclosure rules
/// (<see cref="ModelRun.Check(Dataset, ModelSpec, DisclosureRequest?)"/>); the rest of model disclosure control runs with the training.
/// </summary>
public sealed class ModelPlanner(ProjectAccess access, DatasetRegistry datasets, IReleaseLedger ledger, DisclosurePolicy policy)
{
    public PlannedModel Plan(string userId, string projectId, ModelOrder order)
    {
        var grant = access.Require(userId, projectId, order.Dataset);
        var cluster = datasets.TryGetCluster(order.Dataset, out var split) ? grant.Scope(split) : null;
        var dataset = cluster is null && datasets.TryGet(order.Dataset, out var whole) ? grant.Scope(whole) : null;
        var schema = cluster?.Schema ?? dataset!.Schema;
        var spec = ModelSpecParser.Parse(order.Spec, schema);
        DatasetGate.RequireTables(grant, Tables(spec, schema));
        var disclosure = new DisclosureRequest(grant.ProjectId, ledger, order.Spec, policy, grant.Budget);
        if (cluster is not null) ModelRun.Check(cluster, spec, disclosure);
        else ModelRun.Check(dataset!, spec, disclosure);
        return new PlannedModel(dataset, cluster, spec, disclosure);
    }

    /// <summary>
    /// Every table a run of <paramref name="spec"/> reads, for the project's table grant: the target's and the
    /// outcome's (exists clauses included), the receipts (where the data end, demographics, use), and each feature family's.
    /// </summary>
    private static IEnumerable<TableSchema> Tables(ModelSpec spec, ClaimsSchema schema)
    {
        var features = spec.Features;
        var families = new (bool Read, string Table)[]
        {
            (true, "receipts"), (features.Diagnoses is not null, "diagnoses"), (features.Drugs, "drugs"), (features.Procedures, "procedures"),
            (features.Checkups.Count > 0, "checkups"),
        };
        return DatasetGate.Tables(spec.Target, schema).Concat(DatasetGate.Tables(spec.Outcome.Event)).Concat(families.Where(f => f.Read).Select(f => schema.Table(f.Table)));
    }
}
