namespace Claims.Sandbox.OpenApi;

/// <summary>
/// Marks a body the service reads as raw JSON (and the engine parses) with its JSON Schema in data-schemas/:
/// on an endpoint, the whole request body; on a request record's property, that property.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Method)]
internal sealed class DataSchemaAttribute(string file) : Attribute
{
    /// <summary>The schema's file name without <c>.schema.json</c>: one of <see cref="DataSchemas"/>' names.</summary>
    public string File { get; } = file;
}

internal static class DataSchemaEndpoints
{
    /// <summary>
    /// A body read as text for the engine's parser binds to no parameter: Accepts still turns other media types
    /// away (415), and the attribute gives the document its schema.
    /// </summary>
    public static RouteHandlerBuilder AcceptsDataSchema(this RouteHandlerBuilder endpoint, string file) =>
        endpoint.Accepts<object>("application/json").WithMetadata(new DataSchemaAttribute(file));
}
