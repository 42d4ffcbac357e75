using Claims.Sandbox.Audit;
using Claims.Sandbox.Datasets;
using Claims.Sandbox.Hosting;
using Claims.Sandbox.Identity;
using Claims.Sandbox.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Claims.Sandbox.Sql;

/// <summary>
/// POST /api/datasets/synthetic/sql: read-only SQL for every role, over the synthetic dataset only. Restricted
/// data is never served as SQL (403): SQL could not pass disclosure control, which needs the engine's queries.
/// </summary>
public static class SqlApi
{
    public static IEndpointRouteBuilder MapSqlApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/datasets/{ds}/sql", Run).WithName("RunSql").WithTags("SQL").RequireAuthorization()
            .WithSummary("One read-only SQL statement through DuckDB over the synthetic dataset; rows capped, time limited")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests, StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static async Task<Results<Ok<SqlResult>, ProblemHttpResult>> Run(string ds, SqlRequest request, HttpContext context, DatasetRegistry registry,
        SqlSandbox sandbox, SqlSlots slots, TimeProvider time, IOptions<SandboxOptions> options)
    {
        if (!registry.Names.Contains(ds)) return DatasetsApi.UnknownDataset(ds);
        if (registry.Unavailable(ds) is { } reason) throw new DatasetUnavailableException(ds, reason);
        if (ds != DatasetRegistry.Synthetic)
            return Problems.Forbidden($"SQL runs over the {DatasetRegistry.Synthetic} dataset only; query '{ds}' through POST /api/datasets/{ds}/query");
        var audit = AuditDetails.Of(context);
        audit.SubjectHash = AuditDetails.HashOf(request.Sql ?? "");
        var limits = options.Value;
        var timeout = TimeSpan.FromSeconds(limits.SqlTimeoutSeconds);
        if (!slots.TryEnter(context.User.Id(), time.GetUtcNow() + timeout, out var lease, out var retryAfter))
        {
            context.Response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problems.Result(StatusCodes.Status429TooManyRequests,
                $"your previous SQL statement is still running; one runs at a time per user, so that others get their turn: retry in {retryAfter.TotalSeconds:0} s", "Too many requests");
        }
        var result = await sandbox.Run(lease, request.Sql ?? "", limits.SqlMaxRows, timeout, context.RequestAborted);
        audit.ResultSize = result.Rows.Count;
        return TypedResults.Ok(result);
    }
}
