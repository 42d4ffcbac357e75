using Claims.Engine.Storage;
using Claims.Modelling.Spec;
using Claims.Sandbox.Datasets;
using Claims.Sandbox.Errors;
using Claims.Sandbox.Projects;

namespace Claims.Sandbox.Models;

/// <summary>A model that may be trained: its data, as the project sees it, and its spec.</summary>
public sealed record PlannedModel(Dataset Dataset, ModelSpec Spec);

/// <summary>
/// The whole validation of a model job, done when it is submitted (403, 404 or 400 at once) and again when it runs
/// (the project may have been rejected or expired in between).
/// </summary>
public sealed class ModelPlanner(ProjectAccess access, DatasetRegistry datasets)
{
    public PlannedModel Plan(string userId, string projectId, ModelOrder order)
    {
        var grant = access.Require(userId, projectId, order.Dataset);
        datasets.TryGet(order.Dataset, out var whole);
        // Counts in a report and a model fitted to restricted rows both release what the data hold; until model
        // disclosure control checks them (issue 13), only synthetic data trains here.
        if (whole!.Manifest.Access == DatasetAccess.Restricted)
            throw SandboxAccessException.Forbidden($"the {order.Dataset} dataset is restricted: models are trained on synthetic data only until model disclosure control is in place");
        var dataset = grant.Scope(whole);
        return new PlannedModel(dataset, ModelSpecParser.Parse(order.Spec, dataset.Schema));
    }
}
