using Claims.Sandbox.Audit;
using Claims.Sandbox.Datasets;
using Claims.Sandbox.Hosting;
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
            .WithSummary("One read-only SQL statement through DuckDB over the synthetic dataset; rows capped, time limited");
        return app;
    }

    public static async Task<Results<Ok<SqlResult>, ProblemHttpResult>> Run(string ds, SqlRequest request, HttpContext context, DatasetRegistry registry,
        SqlSandbox sandbox, IOptions<SandboxOptions> options)
    {
        if (!registry.TryGet(ds, out _)) return DatasetsApi.UnknownDataset(ds);
        if (ds != DatasetRegistry.Synthetic)
            return Problems.Forbidden($"SQL runs over the {DatasetRegistry.Synthetic} dataset only; query '{ds}' through POST /api/datasets/{ds}/query");
        var audit = AuditDetails.Of(context);
        audit.SubjectHash = AuditDetails.HashOf(request.Sql ?? "");
        var limits = options.Value;
        var result = await sandbox.Run(request.Sql ?? "", limits.SqlMaxRows, TimeSpan.FromSeconds(limits.SqlTimeoutSeconds), context.RequestAborted);
        audit.ResultSize = result.Rows.Count;
        return TypedResults.Ok(result);
    }
}
