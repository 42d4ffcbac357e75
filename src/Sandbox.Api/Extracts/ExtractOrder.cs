using System.Text.Json;
using Claims.Sandbox.OpenApi;

namespace Claims.Sandbox.Extracts;

/// <summary>POST /api/projects/{id}/extracts: the cohort is the definition object itself, not a string.</summary>
public sealed record ExtractSubmission(string? Dataset, [property: DataSchema(DataSchemas.Cohort)] JsonElement? Cohort, IReadOnlyList<string>? Tables, string? Format);

/// <summary>An extract as its job stores it: the cohort definition as the caller wrote it, so the manifest can quote it.</summary>
public sealed record ExtractOrder(string Dataset, string Cohort, IReadOnlyList<string> Tables, string Format)
{
    public const string Kind = "extract";

    public string ToJson() => JsonSerializer.Serialize(this);

    public static ExtractOrder FromJson(string json) => JsonSerializer.Deserialize<ExtractOrder>(json)!;
}
