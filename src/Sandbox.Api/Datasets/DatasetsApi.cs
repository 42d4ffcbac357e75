using System.Diagnostics;
using System.Security.Claims;
using Claims.Engine.Cohorts;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Schema;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;
using Claims.Sandbox.Audit;
using Claims.Sandbox.Projects;
using Claims.Sandbox.Catalog;
using Claims.Sandbox.Identity;
using Claims.Sandbox.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Claims.Sandbox.Datasets;

/// <summary>
/// The datasets and what may be asked of them: the list, each one's schema with a code search, JSON queries and
/// cohort counts. Restricted data answers only an analyst inside a project, through disclosure control. Queries
/// and cohorts are bounded in size (<see cref="RequestSize"/>) and run under the time limit (<see cref="EngineTimeLimit"/>).
/// </summary>
public static class DatasetsApi
{
    public const int DefaultSearchLimit = 50;

    public static IEndpointRouteBuilder MapDatasetsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/datasets").WithTags("Datasets").RequireAuthorization();
        api.MapGet("/", List).WithName("ListDatasets").WithSummary("The datasets, their size and provenance, and whether the caller may query each");
        api.MapGet("/{ds}/schema", GetSchema).WithName("GetDatasetSchema")
            .WithSummary("Tables, columns, enumerations and masters; ?search= finds codes and names in the masters and enumerations")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/{ds}/query", Query).WithName("QueryDataset").AcceptsDataSchema(DataSchemas.Query)
            .WithSummary("Runs an engine JSON query (data-schemas/query.schema.json); disclosure-controlled on restricted data; ?labels=ja|en names the group columns' codes")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/{ds}/cohorts/count", CountCohort).WithName("CountCohort").AcceptsDataSchema(DataSchemas.Cohort)
            .WithSummary("Builds a cohort definition (data-schemas/cohort.schema.json) and returns its attrition and count")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static IReadOnlyList<DatasetInfo> List(DatasetRegistry registry, ClaimsPrincipal user) =>
        registry.Names.Select(name => DatasetInfo.Of(name, registry, user.Role())).ToArray();

    public static Results<Ok<DatasetSchema>, ProblemHttpResult> GetSchema(string ds, DatasetRegistry registry, CodeSearch codes, string? search = null,
        int limit = DefaultSearchLimit)
    {
        if (!registry.Names.Contains(ds)) return UnknownDataset(ds);
        if (registry.Unavailable(ds) is { } reason) throw new DatasetUnavailableException(ds, reason);
        var found = string.IsNullOrWhiteSpace(search) ? null : codes.Find(search, Math.Clamp(limit, 1, CodeSearch.MaxLimit));
        return TypedResults.Ok(new DatasetSchema(ds, found is null ? SchemaCatalog.From(registry.Schema(ds)!) : null, found));
    }

    public static async Task<Results<Ok<QueryResponse>, ProblemHttpResult>> Query(string ds, HttpContext context, DatasetRegistry registry,
        IReleaseLedger ledger, DisclosurePolicy policy, EngineTimeLimit limit, CodeLabels names, string? labels = null)
    {
        if (!TryLanguage(labels, out var language)) return BadLabels(labels);
        if (registry.ServedByCluster(ds)) return await QueryCluster(ds, registry, context, ledger, policy, limit, names, language);
        if (await Asked.Read(ds, context, registry) is not (var dataset, var project, var text)) return UnknownDataset(ds);
        var stopwatch = Stopwatch.StartNew();
        var query = QueryParser.Parse(text, dataset.Schema);
        DatasetGate.RequireTables(project, DatasetGate.Tables(query, dataset.Schema));
        RequestSize.Check(query);
        var result = limit.Run("query", token => DisclosureControl.Apply(dataset, query, Request(project, ledger, text, policy), token), context.RequestAborted);
        var response = QueryResponse.From(result, query, stopwatch.Elapsed).Labelled(query, names, language);
        Audited(context, response.Rows.Count, result.Rules);
        return TypedResults.Ok(response);
    }

    /// <summary>
    /// A query of a dataset a cluster serves (cluster mode): gated and bounded as here, scanned on the shards, released
    /// by disclosure control here on the merged result, the project's period sent with it.
    /// </summary>
    private static async Task<Results<Ok<QueryResponse>, ProblemHttpResult>> QueryCluster(string ds, DatasetRegistry registry, HttpContext context,
        IReleaseLedger ledger, DisclosurePolicy policy, EngineTimeLimit limit, CodeLabels names, LabelLanguage? language)
    {
        var (cluster, project) = Gated(ds, registry, context);
        var text = await RequestText.Read(context);
        var stopwatch = Stopwatch.StartNew();
        var query = QueryParser.Parse(text, cluster.Schema);
        DatasetGate.RequireTables(project, DatasetGate.Tables(query, cluster.Schema));
        RequestSize.Check(query);
        var scoped = project?.Scope(cluster) ?? cluster;
        var result = limit.Run("query", token => DisclosureControl.Apply(scoped, text, Request(project, ledger, text, policy), token), context.RequestAborted);
        var response = QueryResponse.From(result, query, stopwatch.Elapsed).Labelled(query, names, language);
        Audited(context, response.Rows.Count, result.Rules);
        return TypedResults.Ok(response);
    }

    public static async Task<Results<Ok<CohortResponse>, ProblemHttpResult>> CountCohort(string ds, HttpContext context, DatasetRegistry registry,
        IReleaseLedger ledger, DisclosurePolicy policy, EngineTimeLimit limit)
    {
        var stopwatch = Stopwatch.StartNew();
        DisclosedCohort disclosed;
        if (registry.ServedByCluster(ds))
        {
            // As a query of a cluster is: gated here, built on the shards, released here on the united cohort.
            var (cluster, project) = Gated(ds, registry, context);
            var text = await RequestText.Read(context);
            var scoped = project?.Scope(cluster) ?? cluster;
            Checked(project, CohortParser.Parse(text, cluster.Schema), cluster.Schema);
            disclosed = limit.Run("cohort", token => CohortDisclosure.Apply(scoped, scoped.BuildCohort(text, token), Request(project, ledger, text, policy)),
                context.RequestAborted);
        }
        else
        {
            if (await Asked.Read(ds, context, registry) is not (var dataset, var project, var text)) return UnknownDataset(ds);
            var definition = Checked(project, CohortParser.Parse(text, dataset.Schema), dataset.Schema);
            disclosed = limit.Run("cohort", token => CohortDisclosure.Apply(dataset, dataset.BuildCohort(definition, token),
                Request(project, ledger, text, policy)), context.RequestAborted);
        }
        Audited(context, disclosed.Attrition.Count, disclosed.Rules);
        return TypedResults.Ok(new CohortResponse(disclosed.Name, disclosed.Attrition, disclosed.Count, disclosed.Rules,
            Math.Round(stopwatch.Elapsed.TotalMilliseconds, 3)));
    }

    /// <summary>
    /// A dataset a cluster serves, and the project a request on it runs under: access first, as in embedded mode (a caller
    /// the dataset is closed to learns nothing of how it is served), then the cluster's availability (503).
    /// </summary>
    private static (ShardedDataset Cluster, ProjectGrant? Project) Gated(string ds, DatasetRegistry registry, HttpContext context)
    {
        var project = DatasetGate.Project(context, ds, registry.Access(ds));
        registry.TryGetCluster(ds, out var cluster);
        return (cluster, project);
    }

    /// <summary>The project may read the definition's tables, and the definition is not too large to build.</summary>
    private static CohortDefinition Checked(ProjectGrant? project, CohortDefinition definition, ClaimsSchema schema)
    {
        DatasetGate.RequireTables(project, DatasetGate.Tables(definition, schema));
        RequestSize.Check(definition);
        return definition;
    }

    private static DisclosureRequest Request(ProjectGrant? project, IReleaseLedger ledger, string text, DisclosurePolicy policy) =>
        new(project?.ProjectId ?? "", ledger, text, policy, project?.Budget ?? DisclosurePolicy.DefaultBudget);

    internal static bool TryLanguage(string? labels, out LabelLanguage? language)
    {
        language = labels switch
        {
            null => null,
            "ja" => LabelLanguage.Ja,
            "en" => LabelLanguage.En,
            _ => null,
        };
        return labels is null || language is not null;
    }

    internal static ProblemHttpResult BadLabels(string? labels) =>
        Problems.BadRequest($"labels '{labels}' is not a language here: ask labels=ja or labels=en");

    public static ProblemHttpResult UnknownDataset(string ds) =>
        Problems.NotFound($"no dataset '{ds}': the datasets are {DatasetRegistry.Synthetic} and {DatasetRegistry.Restricted}");

    /// <summary>A query or cohort body with its dataset and the project it is released to; null for an unknown dataset.</summary>
    private sealed record Asked(Dataset Dataset, ProjectGrant? Project, string Text)
    {
        public static async Task<Asked?> Read(string ds, HttpContext context, DatasetRegistry registry)
        {
            if (!registry.Names.Contains(ds)) return null;
            // Access first: a caller refused the dataset learns nothing about their body, nor how it is served.
            var project = DatasetGate.Project(context, ds, registry.Access(ds));
            registry.TryGet(ds, out var dataset);
            return new Asked(project?.Scope(dataset) ?? dataset, project, await RequestText.Read(context));
        }
    }

    private static void Audited(HttpContext context, long rows, IReadOnlyList<string> rules)
    {
        var audit = AuditDetails.Of(context);
        audit.ResultSize = rows;
        if (rules.Count > 0) audit.Suppression = string.Join("; ", rules);
    }
}
