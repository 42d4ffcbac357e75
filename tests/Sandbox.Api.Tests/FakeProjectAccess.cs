using System.Security.Claims;
using Claims.Sandbox.Errors;
using Claims.Sandbox.Projects;

namespace Claims.Sandbox.Tests;

/// <summary>Stands in for the projects feature: project <see cref="Project"/> grants the restricted dataset to anyone who names it.</summary>
public sealed class FakeProjectAccess : IProjectAccess
{
    public const string Project = "p-test";

    public ProjectGrant Require(ClaimsPrincipal user, string? projectId, string dataset) => projectId switch
    {
        null => throw SandboxAccessException.Forbidden("name a project"),
        Project => new ProjectGrant(Project, null, null),
        _ => throw SandboxAccessException.NotFound($"no project '{projectId}'"),
    };
}
