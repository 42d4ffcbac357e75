using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Scalar.AspNetCore;

namespace Claims.Sandbox.OpenApi;

/// <summary>The OpenAPI document at /openapi/v1.json and its interactive reference (Scalar) at /scalar/v1.</summary>
internal static class ApiReference
{
    public static IServiceCollection AddApiReference(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            // Any JSON at all: inline, not a component, since its uses (an extract's cohort, a model's spec) point at their data schema instead.
            options.CreateSchemaReferenceId = type =>
                (Nullable.GetUnderlyingType(type.Type) ?? type.Type) == typeof(JsonElement) ? null : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
            options.AddDocumentTransformer<Introduction>();
            options.AddDocumentTransformer<KeySecurity>();
            options.AddOperationTransformer<KeySecurity>();
            options.AddOperationTransformer<RateLimitResponse>();
            options.AddDocumentTransformer<DataSchemas>();
            options.AddOperationTransformer<DataSchemas>();
            options.AddSchemaTransformer<DataSchemas>();
        });

    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference(options => options
            .WithTitle(Introduction.Title)
            .AddPreferredSecuritySchemes(KeySecurity.Scheme));
        return app;
    }
}
