using System.Security.Claims;
using System.Text.Json;
using Claims.Sandbox.Audit;
using Claims.Sandbox.Datasets;
using Claims.Sandbox.Identity;
using Claims.Sandbox.Jobs;
using Claims.Sandbox.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Claims.Sandbox.Extracts;

/// <summary>
/// POST /api/projects/{id}/extracts: an analyst asks for the rows of a cohort's patients in their own project. The
/// request is checked in full before it is queued, so every refusal comes at once; the job then writes the zip.
/// </summary>
public static class ExtractsApi
{
    public static IEndpointRouteBuilder MapExtractsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/projects/{id}/extracts", SubmitExtract).WithName("SubmitExtract").WithTags("Extracts")
            .RequireAuthorization(p => p.RequireRole(Roles.Analyst))
            .WithSummary("Queue an extract of a cohort's rows; poll the job at the Location header, then download its zip")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests, StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static Results<Accepted<NewJob>, ProblemHttpResult> SubmitExtract(string id, ExtractSubmission submission, ClaimsPrincipal user,
        ExtractPlanner planner, JobQueue queue, EngineTimeLimit limit, HttpContext context)
    {
        var audit = AuditDetails.Of(context);
        audit.ProjectId = id;
        if (string.IsNullOrWhiteSpace(submission.Dataset)) return Problems.BadRequest("dataset is required (synthetic or restricted)");
        if (submission.Cohort is not { ValueKind: JsonValueKind.Object } cohort)
            return Problems.BadRequest("cohort is required: the cohort definition object (data-schemas/cohort.schema.json)");
        var order = new ExtractOrder(submission.Dataset, cohort.GetRawText(), submission.Tables ?? [], submission.Format ?? "parquet");
        audit.SubjectHash = AuditDetails.HashOf(order.Cohort);
        var plan = limit.Run("cohort", token => planner.Plan(user.Id(), id, order, token), context.RequestAborted);
        // The patients whose rows will leave: the extract's size in the audit, known before its bytes are.
        audit.ResultSize = plan.Cohort.Count;
        return JobsApi.Queue(queue, ExtractOrder.Kind, id, user.Id(), order.ToJson());
    }
}
