using Claims.Engine.Storage;
using Claims.Sandbox.Audit;
using Claims.Sandbox.Errors;
using Claims.Sandbox.Identity;
using Claims.Sandbox.Projects;

namespace Claims.Sandbox.Datasets;

/// <summary>
/// Who may query which dataset. Public data: every role. Restricted data: only an analyst, and only inside a
/// project (header X-Claims-Project or ?project=) that <see cref="IProjectAccess"/> grants for the dataset; the
/// grant's project keys the release ledger.
/// </summary>
public static class DatasetGate
{
    public const string ProjectHeader = "X-Claims-Project";

    public static bool MayQuery(Dataset dataset, string role) => dataset.Manifest.Access == DatasetAccess.Public || role == Roles.Analyst;

    /// <summary>The ledger project a request releases to ("" on public data, where nothing is recorded); refusals throw.</summary>
    public static string Project(HttpContext context, string name, Dataset dataset)
    {
        if (dataset.Manifest.Access == DatasetAccess.Public) return "";
        var role = context.User.Role();
        if (!MayQuery(dataset, role))
            throw SandboxAccessException.Forbidden($"dataset '{name}' is restricted: only an analyst inside an approved project may query it, not the role '{role}'");
        var requested = context.Request.Headers[ProjectHeader].FirstOrDefault() is { Length: > 0 } header ? header : context.Request.Query["project"].FirstOrDefault();
        AuditDetails.Of(context).ProjectId = string.IsNullOrEmpty(requested) ? null : requested;
        var grant = context.RequestServices.GetRequiredService<IProjectAccess>().Require(context.User, string.IsNullOrEmpty(requested) ? null : requested, name);
        AuditDetails.Of(context).ProjectId = grant.ProjectId;
        return grant.ProjectId;
    }
}
