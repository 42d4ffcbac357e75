using System.Text.Json;

namespace Claims.Engine.Schema;

/// <summary>A bilingual label: every user-facing name in the schema has Japanese and English.</summary>
public sealed record Text(string Ja, string En)
{
    internal static Text Read(JsonElement element) =>
        new(element.GetProperty("ja").GetString()!, element.GetProperty("en").GetString()!);
}
