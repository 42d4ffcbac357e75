using System.Text.Json;
using Json.Schema;

namespace Claims.Engine.Schema;

/// <summary>Validates every X.json of the schema against the X.schema.json kept beside it.</summary>
internal static class SchemaValidator
{
    /// <summary>Every problem found, each naming its file and location; empty when all files validate.</summary>
    public static IReadOnlyList<string> Validate(SchemaFiles files)
    {
        var problems = new List<string>();
        foreach (var path in files.Paths.Where(IsInstance))
        {
            var schemaPath = path[..^".json".Length] + ".schema.json";
            if (!files.Paths.Contains(schemaPath))
            {
                problems.Add($"{path}: no JSON Schema '{schemaPath}' beside it");
                continue;
            }
            // A registry per build: the global one refuses a second schema with the same $id (tests load several copies).
            var schema = JsonSchema.FromText(ReadText(files, schemaPath), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
            using var instance = JsonDocument.Parse(files.ReadAllBytes(path));
            var result = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (result.IsValid) continue;
            var before = problems.Count;
            foreach (var detail in (result.Details ?? []).Prepend(result).Where(d => d.Errors is { Count: > 0 }))
            {
                foreach (var error in detail.Errors!)
                    problems.Add($"{path}: {detail.InstanceLocation}: {error.Value}");
            }
            if (problems.Count == before)
                problems.Add($"{path}: does not validate against {schemaPath}");
        }
        return problems;
    }

    /// <summary>Schema files proper; examples (queries, cohorts) are checked against their own schemas by the tests that use them.</summary>
    private static bool IsInstance(string path) =>
        path.EndsWith(".json", StringComparison.Ordinal) && !path.EndsWith(".schema.json", StringComparison.Ordinal)
        && !path.StartsWith("examples/", StringComparison.Ordinal);

    private static string ReadText(SchemaFiles files, string path) => System.Text.Encoding.UTF8.GetString(files.ReadAllBytes(path));
}
