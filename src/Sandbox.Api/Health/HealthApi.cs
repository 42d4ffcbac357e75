using Claims.Sandbox.Audit;
using Claims.Sandbox.Datasets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Claims.Sandbox.Health;

/// <summary>
/// GET /health, for load balancers and the first check of docs/service.md's walkthrough: "ok"; "degraded" (still
/// 200) while a dataset is out of service and the rest serves; "failing" (503) while the audit log is broken, since
/// then every audited request is refused. Each problem is listed in words.
/// </summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", GetHealth).WithName("Health").WithTags("Service")
            .WithSummary("ok, or degraded while a dataset is out of service (200); failing while the audit log is broken (503)")
            .Produces<HealthStatus>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static Results<Ok<HealthStatus>, JsonHttpResult<HealthStatus>> GetHealth(AuditLog audit, DatasetRegistry datasets)
    {
        var broken = audit.Check();
        var problems = datasets.Names.Where(n => datasets.Unavailable(n) is not null).Select(n => $"the {n} dataset is unavailable: {datasets.Unavailable(n)}")
            .Prepend(broken is null ? null : "the audit log is broken: requests that must be audited are refused (GET /api/audit/verify shows why)")
            .OfType<string>().ToArray();
        if (broken is not null) return TypedResults.Json(new HealthStatus("failing", problems), statusCode: StatusCodes.Status503ServiceUnavailable);
        return TypedResults.Ok(new HealthStatus(problems.Length == 0 ? "ok" : "degraded", problems));
    }
}

public sealed record HealthStatus(string Status, IReadOnlyList<string> Problems);
