using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Claims.Sandbox.OpenApi;

/// <summary>
/// A JSON Schema file of data-schemas/ as components of an OpenAPI 3.1 document: its root and each of its
/// <c>$defs</c> one component, every <c>$ref</c> pointed at the component it names (a component's refs resolve
/// against the document, not the file), and the keywords Microsoft.OpenApi 2's schema model would change kept
/// as written (a boolean <c>const</c>, <c>prefixItems</c>).
/// </summary>
internal static partial class JsonSchemaImport
{
    /// <summary>Adds the file's components: <paramref name="file"/> names the root, and prefixes its definitions (query's predicate: QueryPredicate).</summary>
    public static void Add(OpenApiDocument document, string file, byte[] json)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        Adapt(root, file);
        // The file's identity and dialect: the document's own hold here (OpenAPI 3.1 is JSON Schema 2020-12).
        root.Remove("$id");
        root.Remove("$schema");
        if (root["$defs"] is JsonObject definitions)
        {
            root.Remove("$defs");
            foreach (var (name, definition) in definitions) document.AddComponent<IOpenApiSchema>(ComponentName(file, name), Parse(document, file, definition!));
        }
        document.AddComponent<IOpenApiSchema>(ComponentName(file, null), Parse(document, file, root));
    }

    /// <summary>query → Query; query's predicate → QueryPredicate.</summary>
    public static string ComponentName(string file, string? definition) => Pascal(file) + (definition is null ? "" : Pascal(definition));

    private static OpenApiSchema Parse(OpenApiDocument document, string file, JsonNode schema)
    {
        var parsed = OpenApiModelFactory.Parse<OpenApiSchema>(schema.ToJsonString(), OpenApiSpecVersion.OpenApi3_1, document, out var diagnostic, "json");
        if (parsed is null || diagnostic?.Errors.Count > 0)
            throw new InvalidOperationException($"data-schemas/{file}.schema.json is not an OpenAPI 3.1 schema: {string.Join("; ", diagnostic?.Errors.Select(e => e.Message) ?? [])}");
        Unnest(parsed);
        return parsed;
    }

    /// <summary>
    /// Points every <c>$ref</c> (<c>#/$defs/x</c>, <c>other.schema.json#/$defs/x</c>, <c>other.schema.json</c>) at its component, and
    /// writes a <c>const</c> that is no string as the one-value <c>enum</c> it equals: the model holds const as a string (true became "True").
    /// </summary>
    private static void Adapt(JsonNode? node, string file)
    {
        switch (node)
        {
            case JsonObject schema:
                foreach (var (key, value) in schema.ToArray())
                {
                    if (key == "$ref") schema[key] = Repointed(value!.GetValue<string>(), file);
                    else if (key == "const" && value?.GetValueKind() != System.Text.Json.JsonValueKind.String)
                    {
                        schema.Remove(key);
                        schema["enum"] = new JsonArray(value?.DeepClone());
                    }
                    else Adapt(value, file);
                }
                break;
            case JsonArray items:
                foreach (var item in items) Adapt(item, file);
                break;
        }
    }

    private static string Repointed(string reference, string file)
    {
        var match = RefPattern().Match(reference);
        if (!match.Success) throw new InvalidOperationException($"data-schemas/{file}.schema.json refers to '{reference}', which the OpenAPI document cannot point at");
        var target = match.Groups["file"].Success ? match.Groups["file"].Value : file;
        return "#/components/schemas/" + ComponentName(target, match.Groups["def"].Success ? match.Groups["def"].Value : null);
    }

    /// <summary>
    /// The model keeps keywords it has no property for (prefixItems) aside and writes them nested under an
    /// "unrecognizedKeywords" object; as extensions they are written under their own names, where they belong.
    /// </summary>
    private static void Unnest(IOpenApiSchema? schema)
    {
        // A reference is visited where its component is defined.
        if (schema is not OpenApiSchema concrete) return;
        if (concrete.UnrecognizedKeywords is { Count: > 0 } keywords)
        {
            concrete.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            foreach (var (name, value) in keywords) concrete.Extensions[name] = new JsonNodeExtension(value);
            concrete.UnrecognizedKeywords = null;
        }
        IEnumerable<IOpenApiSchema?> children =
        [
            concrete.Items, concrete.Not, concrete.AdditionalProperties, concrete.If, concrete.Then, concrete.Else, concrete.PropertyNames,
            concrete.Contains, concrete.ContentSchema, concrete.UnevaluatedPropertiesSchema,
            .. concrete.AllOf ?? [], .. concrete.AnyOf ?? [], .. concrete.OneOf ?? [],
            .. concrete.Properties?.Values ?? [], .. concrete.PatternProperties?.Values ?? [], .. concrete.DependentSchemas?.Values ?? [],
            .. concrete.Definitions?.Values ?? [],
        ];
        foreach (var child in children) Unnest(child);
    }

    private static string Pascal(string name) => char.ToUpperInvariant(name[0]) + name[1..];

    [GeneratedRegex(@"^(?:(?<file>[a-z]+)\.schema\.json)?(?:#/\$defs/(?<def>\w+))?$")]
    private static partial Regex RefPattern();
}
