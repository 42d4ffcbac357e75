using System.Text.Json;
using System.Text.Json.Serialization;

namespace Claims.Cli.Commands;

/// <summary>camelCase JSON with enums as words: the same shape the API serves.</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
