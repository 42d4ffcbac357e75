using System.Security.Claims;
using System.Text.Json;
using Claims.Sandbox.Audit;
using Claims.Sandbox.Identity;
using Claims.Sandbox.Errors;
using Claims.Sandbox.Jobs;
using Claims.Sandbox.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Claims.Sandbox.Models;

/// <summary>
/// POST /api/projects/{id}/models: train a prediction model spec in one's own project (an explorer's, on the
/// synthetic data; an analyst's, on restricted data too once approved). The request is checked in full before it
/// is queued; the job then trains and packs the report, the spec and the model.
/// </summary>
public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/projects/{id}/models", SubmitModel).WithName("SubmitModel").WithTags("Models")
            .RequireAuthorization(p => p.RequireRole(Roles.Explorer, Roles.Analyst))
            .WithSummary("Queue the training of a model spec; poll the job at the Location header, then download report.json, report.html, spec.json, model.zip and model.onnx (the whole zip, or one by one)")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);
        return app;
    }

    public static Results<Accepted<NewJob>, ProblemHttpResult> SubmitModel(string id, ModelSubmission submission, ClaimsPrincipal user,
        ModelPlanner planner, JobQueue queue, HttpContext context)
    {
        var audit = AuditDetails.Of(context);
        audit.ProjectId = id;
        if (string.IsNullOrWhiteSpace(submission.Dataset)) return Problems.BadRequest("dataset is required (synthetic)");
        if (submission.Spec is not { ValueKind: JsonValueKind.Object } spec)
            return Problems.BadRequest("spec is required: the model spec object (data-schemas/model.schema.json)");
        var order = new ModelOrder(submission.Dataset, spec.GetRawText());
        audit.SubjectHash = AuditDetails.HashOf(order.Spec);
        planner.Plan(user.Id(), id, order);
        return JobsApi.Queue(queue, ModelOrder.Kind, id, user.Id(), order.ToJson());
    }
}
