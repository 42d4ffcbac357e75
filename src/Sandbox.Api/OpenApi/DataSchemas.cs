using Claims.Engine.Schema;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Claims.Sandbox.OpenApi;

/// <summary>
/// The engine's JSON Schemas (data-schemas/query, cohort and model.schema.json) as components of the OpenAPI
/// document, read from the schema files the service runs with: the document describes what the engine's parsers
/// take, and no copy can drift from the files. Bodies and properties marked with <see cref="DataSchemaAttribute"/>
/// point at them. A record's properties are pointed only once the generator is done with the document (the schema
/// transformer just marks the record): the generator follows every reference it meets down to its target, and the
/// query's predicate refers to itself.
/// </summary>
internal sealed class DataSchemas : IOpenApiDocumentTransformer, IOpenApiOperationTransformer, IOpenApiSchemaTransformer
{
    public const string Query = "query";
    public const string Cohort = "cohort";
    public const string Model = "model";

    /// <summary>Marks a request record's schema, for the document transformer, with the files its properties are to point at.</summary>
    private const string Marker = "claims-data-schema";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var files = context.ApplicationServices.GetRequiredService<ClaimsSchema>().Files;
        foreach (var file in (string[])[Query, Cohort, Model]) JsonSchemaImport.Add(document, file, files.ReadAllBytes($"{file}.schema.json"));
        foreach (var record in document.Components!.Schemas!.Values.OfType<OpenApiSchema>())
        {
            if (record.Metadata?.TryGetValue(Marker, out var marked) != true) continue;
            foreach (var (property, file) in (Dictionary<string, string>)marked!) record.Properties![property] = Reference(file, document);
            record.Metadata.Remove(Marker);
        }
        return Task.CompletedTask;
    }

    /// <summary>The request body of an endpoint marked with the attribute.</summary>
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<DataSchemaAttribute>().FirstOrDefault() is not { } body) return Task.CompletedTask;
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = $"data-schemas/{body.File}.schema.json",
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = Reference(body.File, context.Document!) } },
        };
        return Task.CompletedTask;
    }

    /// <summary>A request record with properties marked with the attribute (an extract's cohort, a model's spec): marked for the document transformer.</summary>
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var marked = context.JsonTypeInfo.Properties
            .Select(p => (p.Name, Attribute: p.AttributeProvider?.GetCustomAttributes(typeof(DataSchemaAttribute), inherit: false).OfType<DataSchemaAttribute>().FirstOrDefault()))
            .Where(p => p.Attribute is not null)
            .ToDictionary(p => p.Name, p => p.Attribute!.File);
        if (marked.Count > 0) (schema.Metadata ??= new Dictionary<string, object>())[Marker] = marked;
        return Task.CompletedTask;
    }

    private static OpenApiSchemaReference Reference(string file, OpenApiDocument document) => new(JsonSchemaImport.ComponentName(file, null), document);
}
