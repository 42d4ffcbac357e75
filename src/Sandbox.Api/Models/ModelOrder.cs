using System.Text.Json;
using Claims.Sandbox.OpenApi;

namespace Claims.Sandbox.Models;

/// <summary>POST /api/projects/{id}/models: the spec is the spec object itself (data-schemas/model.schema.json), not a string.</summary>
public sealed record ModelSubmission(string? Dataset, [property: DataSchema(DataSchemas.Model)] JsonElement? Spec);

/// <summary>A model job as its job stores it: the spec as the caller wrote it, so the result can quote it.</summary>
public sealed record ModelOrder(string Dataset, string Spec)
{
    public const string Kind = "model";

    public string ToJson() => JsonSerializer.Serialize(this);

    public static ModelOrder FromJson(string json) => JsonSerializer.Deserialize<ModelOrder>(json)!;
}
