using System.Security.Claims;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;
using Claims.Sandbox.Datasets;
using Claims.Sandbox.Errors;
using Claims.Sandbox.Identity;

namespace Claims.Sandbox.Projects;

/// <summary>
/// A caller's standing in one project: the project a restricted request runs under (its ledger), the tables it
/// was approved for (null: every table of its datasets) and the months of its period (null: all of them).
/// </summary>
public sealed record ProjectGrant(string ProjectId, IReadOnlyList<string>? Tables, MonthRange? Period, long Budget = Claims.Engine.Privacy.DisclosurePolicy.DefaultBudget)
{
    /// <summary>The dataset as this project may read it: only its period's months.</summary>
    public Dataset Scope(Dataset dataset) => Period is { } months ? dataset.Period(months) : dataset;

    /// <summary>The split dataset a cluster serves as this project may read it: each shard answers from its period's months.</summary>
    public ShardedDataset Scope(ShardedDataset dataset) => Period is { } months ? dataset.Period(months) : dataset;
}

/// <summary>
/// Decides whether a caller may work on a dataset inside a project: a member (the owner) of an approved,
/// unexpired project that lists the dataset. Every refusal is a <see cref="SandboxAccessException"/> (403, or 404
/// for a project that does not exist), so handlers need no branches of their own.
/// </summary>
public interface IProjectAccess
{
    ProjectGrant Require(ClaimsPrincipal user, string? projectId, string dataset);
}

/// <summary>
/// The one place project membership is decided, read from the database at every call so that an approval, a
/// rejection or an expiry takes effect on the very next request. Public (synthetic) data needs only a project of
/// the caller's own, approved or not: anyone may query it anyway, the project only names the pseudonyms and the
/// ledger. Restricted data needs the full grant.
/// </summary>
public sealed class ProjectAccess(ProjectStore projects, DatasetRegistry datasets, TimeProvider time) : IProjectAccess
{
    public ProjectGrant Require(ClaimsPrincipal user, string? projectId, string dataset) => Require(user.Id(), projectId, dataset);

    /// <summary>The same decision for a user by id: a background job checks again when it runs, with no request around it.</summary>
    public ProjectGrant Require(string userId, string? projectId, string dataset)
    {
        if (!datasets.Names.Contains(dataset)) throw SandboxAccessException.NotFound($"no dataset '{dataset}' (datasets: {string.Join(", ", datasets.Names)})");
        if (datasets.Unavailable(dataset) is { } reason) throw new DatasetUnavailableException(dataset, reason);
        if (string.IsNullOrWhiteSpace(projectId)) throw SandboxAccessException.Forbidden($"the {dataset} dataset is used inside a project: name one");
        var project = projects.Find(projectId) ?? throw SandboxAccessException.NotFound($"no project '{projectId}'");
        if (project.OwnerId != userId) throw SandboxAccessException.Forbidden($"project '{projectId}' is not yours: only its owner works in it");
        if (datasets.Access(dataset) == DatasetAccess.Restricted)
        {
            var status = project.StatusAt(time.GetUtcNow());
            if (status != Project.Approved)
                throw SandboxAccessException.Forbidden(status switch
                {
                    Project.Pending => $"project '{projectId}' is pending: an admin has not approved it yet",
                    Project.Expired => $"project '{projectId}' expired at {project.ExpiresAt:O}: ask an admin to extend it",
                    _ => $"project '{projectId}' was {status}",
                });
            if (!project.Datasets.Contains(dataset)) throw SandboxAccessException.Forbidden($"project '{projectId}' does not list the {dataset} dataset (it lists {string.Join(", ", project.Datasets)})");
        }
        return new ProjectGrant(project.Id, project.Tables, project.Period, project.Budget.Granted);
    }
}
