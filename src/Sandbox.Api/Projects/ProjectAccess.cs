using System.Security.Claims;

namespace Claims.Sandbox.Projects;

/// <summary>A caller's standing in one project: what a restricted request runs under (its ledger, its pseudonym key).</summary>
public sealed record ProjectGrant(string ProjectId, string Title, IReadOnlyList<string> Datasets, DateTimeOffset? Expires, byte[] PseudonymKey);

/// <summary>
/// Decides whether a caller may work on a dataset inside a project: a member (the owner) of an approved,
/// unexpired project that lists the dataset. Every refusal is a <see cref="SandboxAccessException"/> (403, or 404
/// for a project that does not exist), so handlers need no branches of their own.
/// </summary>
public interface IProjectAccess
{
    ProjectGrant Require(ClaimsPrincipal user, string? projectId, string dataset);
}
