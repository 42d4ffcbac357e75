using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Claims.Sandbox.OpenApi;

/// <summary>
/// What a reader of /scalar/v1 meets first: what the service is, who uses it, how to get a key, and that restricted
/// data leaves only through disclosure control; a line for each tag; and the servers as the request reached them.
/// </summary>
internal sealed class Introduction : IOpenApiDocumentTransformer
{
    public const string Title = "Claims sandbox API";

    private const string Description = """
        Claims is an analytics engine for Japanese health-insurance claims (NDB-style receipts, diagnoses,
        procedures, drugs and health checkups). This service puts it behind keys: engine queries, SQL, cohort counts,
        extracts, prediction models and dashboards.

        **Who uses it.** *Explorers* work on the public synthetic dataset. *Analysts* also work on the restricted
        dataset, inside a project an admin has approved. *Policymakers* read the dashboards and indicators of the
        restricted data. Admins manage users, keys, project approval and the audit log.

        **Getting a key.** `POST /api/signup` with a name and e-mail address answers an explorer's key at once; an
        admin creates analysts and policymakers (`POST /api/users`). Send the key as `Authorization: Bearer KEY`
        (in this page: *Authentication*, then paste the key). Keys are shown once; the service stores only their hashes.

        **Restricted data goes through disclosure control.** Every figure released from the restricted dataset is
        checked first: small counts are suppressed, counts are perturbed, differencing is refused (403), and each
        project spends a budget of figures. Every `/api` request is audited.

        Errors are RFC 7807 problem documents naming what is wrong. The query, cohort and model bodies are the
        engine's JSON Schemas from data-schemas/ (`Query`, `Cohort`, `Model` below).
        """;

    private static readonly Dictionary<string, string> s_tags = new()
    {
        ["Service"] = "Whether the service is up, and what is out of service.",
        ["Catalog"] = "The public NDB-style schema: tables, columns, enumerations, code masters.",
        ["Identity"] = "Signing up, and who the key belongs to.",
        ["Admin"] = "Users and their keys (admins).",
        ["Datasets"] = "The datasets, their schema and code search, engine queries and cohort counts.",
        ["SQL"] = "Read-only SQL through DuckDB over the synthetic dataset.",
        ["Projects"] = "Applications for projects, their approval and their disclosure budget.",
        ["Extracts"] = "A cohort's rows, extracted as a job inside a project.",
        ["Models"] = "Prediction models, trained as a job inside a project.",
        ["Jobs"] = "The jobs of extracts and models, and their results.",
        ["Dashboards"] = "The cost dashboard and the indicators, disclosure-controlled.",
        ["Audit"] = "The hash-chained audit log and its check (admins).",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = Title;
        document.Info.Description = Description;
        // Tag descriptions live on the document's tags; the endpoints name theirs with WithTags.
        document.Tags = new HashSet<OpenApiTag>(s_tags.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
        // The generated server is the request's base URL with a trailing slash, which paths starting with / would double.
        foreach (var server in document.Servers ?? []) server.Url = server.Url?.TrimEnd('/');
        return Task.CompletedTask;
    }
}
