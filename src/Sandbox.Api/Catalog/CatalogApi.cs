using Claims.Engine.Schema;

namespace Claims.Sandbox.Catalog;

/// <summary>GET /api/schema: the catalogue of tables, columns, enumerations and masters, read from data-schemas.</summary>
public static class CatalogApi
{
    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Catalog");
        api.MapGet("/schema", GetSchema).WithName("GetSchema")
            .WithSummary("Tables, columns, enumerations and code masters of the NDB-style schema");
        return app;
    }

    public static SchemaCatalog GetSchema(ClaimsSchema schema) => SchemaCatalog.From(schema);
}
