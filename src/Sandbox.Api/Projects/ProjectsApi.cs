using System.Security.Claims;
using Claims.Engine.Privacy;
using Claims.Engine.Schema;
using Claims.Engine.Storage;
using Claims.Sandbox.Datasets;
using Claims.Sandbox.Identity;
using Claims.Sandbox.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Claims.Sandbox.Projects;

/// <summary>
/// Analysts apply for projects (pending), admins approve them with an expiry or reject them. Analysts see their
/// own projects, admins every one; a project's pseudonym key is never shown.
/// </summary>
public static class ProjectsApi
{
    public static IEndpointRouteBuilder MapProjectsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/projects").WithTags("Projects").RequireAuthorization(p => p.RequireRole(Roles.Explorer, Roles.Analyst, Roles.Admin));
        api.MapPost("", CreateProject).WithName("CreateProject").RequireAuthorization(p => p.RequireRole(Roles.Explorer, Roles.Analyst))
            .WithSummary("Apply for a project; it stays pending until an admin approves it, which only restricted data needs (an explorer's project holds synthetic data only)")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden);
        api.MapGet("", ListProjects).WithName("ListProjects").WithSummary("Your projects (every project, for an admin), with their status and budget");
        api.MapGet("/{id}", GetProject).WithName("GetProject").WithSummary("One project, with its status and budget")
            .ProducesProblems(StatusCodes.Status404NotFound);

        var admin = api.MapGroup("/{id}").RequireAuthorization(p => p.RequireRole(Roles.Admin));
        admin.MapPost("/approve", ApproveProject).WithName("ApproveProject").WithSummary("Approve a project until expiresAt (again to extend it)")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        admin.MapPost("/reject", RejectProject).WithName("RejectProject").WithSummary("Reject a project, or withdraw an approval at once")
            .ProducesProblems(StatusCodes.Status404NotFound);
        admin.MapPost("/budget", GrantBudget).WithName("GrantBudget").WithSummary("Grant a project more figures of its disclosure budget")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        return app;
    }

    public static Results<Created<NewProject>, ProblemHttpResult> CreateProject(ProjectApplication application, ClaimsPrincipal user,
        ProjectStore projects, DatasetRegistry datasets, ClaimsSchema schema)
    {
        if (application.Invalid(datasets, schema) is { } problem) return Problems.BadRequest(problem);
        // An explorer trains models in a project of their own on the synthetic data, which needs no approval.
        if (user.IsInRole(Roles.Explorer) && application.Datasets!.FirstOrDefault(d => datasets.Names.Contains(d) && datasets.Access(d) != DatasetAccess.Public) is { } restricted)
            return Problems.Forbidden($"an explorer's project holds the synthetic datasets only, not '{restricted}': restricted data is for analysts, inside a project an admin approves");
        var project = projects.Create(user.Id(), application.Title!.Trim(), application.Purpose!.Trim(), application.Datasets!.Distinct().ToArray(),
            application.Tables?.Distinct().ToArray(), application.Period);
        return TypedResults.Created($"/api/projects/{project.Id}", new NewProject(project.Id, project.Status));
    }

    public static IReadOnlyList<Project> ListProjects(ClaimsPrincipal user, ProjectStore projects, TimeProvider time, IReleaseLedger ledger) =>
        projects.List(user.IsInRole(Roles.Admin) ? null : user.Id()).Select(p => p.AsOf(time.GetUtcNow(), ledger)).ToArray();

    public static Results<Ok<Project>, ProblemHttpResult> GetProject(string id, ClaimsPrincipal user, ProjectStore projects, TimeProvider time, IReleaseLedger ledger) =>
        Visible(id, user, projects) is { } project ? TypedResults.Ok(project.AsOf(time.GetUtcNow(), ledger)) : NotFound(id);

    public static Results<Ok<Project>, ProblemHttpResult> ApproveProject(string id, Approval approval, ClaimsPrincipal user, ProjectStore projects, TimeProvider time,
        IReleaseLedger ledger)
    {
        var now = time.GetUtcNow();
        if (approval.ExpiresAt is not { } expires) return Problems.BadRequest("expiresAt is required: the time the approval runs out");
        if (expires <= now) return Problems.BadRequest($"expiresAt {expires:O} is not in the future (now: {now:O})");
        return projects.Decide(id, Project.Approved, user.Id(), expires) is { } project ? TypedResults.Ok(project.AsOf(now, ledger)) : NotFound(id);
    }

    public static Results<Ok<Project>, ProblemHttpResult> RejectProject(string id, ClaimsPrincipal user, ProjectStore projects, TimeProvider time, IReleaseLedger ledger) =>
        projects.Decide(id, Project.Rejected, user.Id(), null) is { } project ? TypedResults.Ok(project.AsOf(time.GetUtcNow(), ledger)) : NotFound(id);

    /// <summary>Grants a project more figures of its disclosure budget; the spend so far is shown on every project.</summary>
    public static Results<Ok<Project>, ProblemHttpResult> GrantBudget(string id, BudgetGrant grant, ProjectStore projects, TimeProvider time, IReleaseLedger ledger)
    {
        if (grant.Figures is not { } figures || figures is < 1 or > BudgetGrant.MaxFigures)
            return Problems.BadRequest($"figures must be a whole number from 1 to {BudgetGrant.MaxFigures}: how many more figures the project may be shown");
        return projects.Grant(id, figures) is { } project ? TypedResults.Ok(project.AsOf(time.GetUtcNow(), ledger)) : NotFound(id);
    }

    /// <summary>
    /// The project if the caller may see it: its owner or an admin. Another analyst's project answers 404 like a
    /// missing one, so project ids cannot be probed.
    /// </summary>
    public static Project? Visible(string id, ClaimsPrincipal user, ProjectStore projects) =>
        projects.Find(id) is { } project && (project.OwnerId == user.Id() || user.IsInRole(Roles.Admin)) ? project : null;

    public static ProblemHttpResult NotFound(string id) => Problems.NotFound($"no project '{id}'");
}
