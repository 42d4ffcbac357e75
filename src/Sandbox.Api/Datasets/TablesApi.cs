using Claims.Engine.Storage;
using Claims.Sandbox.Audit;
using Claims.Sandbox.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Claims.Sandbox.Datasets;

/// <summary>
/// The catalogue a page browses: a dataset's tables, then one table's columns with example values the engine finds
/// in the data. Examples come from public (synthetic) data only: a restricted dataset's values, even its most
/// frequent ones, are its data, and no disclosure control stands between a catalogue and the caller.
/// </summary>
internal static class TablesApi
{
    public static IEndpointRouteBuilder MapTablesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/datasets").WithTags("Catalog").RequireAuthorization();
        api.MapGet("/{ds}/tables", ListTables).WithName("ListTables").WithSummary("The dataset's tables: name, description, parent table and column count")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/{ds}/tables/{table}", GetTable).WithName("GetTable")
            .WithSummary("A table's columns (type, code system, unit, description) with each one's most frequent values in the table's last month; public datasets only; ?labels=ja|en names the codes")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static Results<Ok<IReadOnlyList<TableSummary>>, ProblemHttpResult> ListTables(string ds, DatasetRegistry registry)
    {
        if (!registry.Names.Contains(ds)) return DatasetsApi.UnknownDataset(ds);
        if (registry.Unavailable(ds) is { } reason) throw new DatasetUnavailableException(ds, reason);
        return TypedResults.Ok<IReadOnlyList<TableSummary>>(registry.Schema(ds)!.Tables
            .Select(t => new TableSummary(t.Name, t.Description, t.ParentTable, t.Columns.Count)).ToArray());
    }

    public static Results<Ok<TableCatalogue>, ProblemHttpResult> GetTable(string ds, string table, DatasetRegistry registry, CodeLabels names,
        EngineTimeLimit limit, HttpContext context, string? labels = null)
    {
        if (!DatasetsApi.TryLanguage(labels, out var language)) return DatasetsApi.BadLabels(labels);
        if (!registry.Names.Contains(ds)) return DatasetsApi.UnknownDataset(ds);
        if (registry.Access(ds) != DatasetAccess.Public)
            return Problems.Forbidden($"example values come from public datasets only: '{ds}' is restricted, and its values would disclose it; " +
                $"the same tables with examples are at /api/datasets/{DatasetRegistry.Synthetic}/tables/{table}");
        if (!registry.TryGet(ds, out var dataset)) return DatasetsApi.UnknownDataset(ds);
        if (!dataset.Schema.TryGetTable(table, out var schema))
            return Problems.NotFound($"no table '{table}' in '{ds}': its tables are {string.Join(", ", dataset.Schema.Tables.Select(t => t.Name))}");
        var catalogue = limit.Run("catalogue", token => TableCatalogue.Of(ds, dataset, schema, names, language, token), context.RequestAborted);
        AuditDetails.Of(context).ResultSize = catalogue.Columns.Count;
        return TypedResults.Ok(catalogue);
    }
}
