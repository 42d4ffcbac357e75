using System.Text.Json.Nodes;
using Claims.Engine.Schema;

namespace Claims.Testing;

/// <summary>Copies of the embedded schema written to disk, optionally edited, for tests of schema loading and block sizes.</summary>
public static class SchemaCopies
{
    public static string Write(string directory, Action<JsonObject>? editTables = null)
    {
        var files = SchemaFiles.Embedded;
        foreach (var path in files.Paths)
        {
            var target = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(target, files.ReadAllBytes(path));
        }
        if (editTables is not null)
        {
            var tablesPath = Path.Combine(directory, "tables.json");
            var tables = JsonNode.Parse(File.ReadAllText(tablesPath))!.AsObject();
            editTables(tables);
            File.WriteAllText(tablesPath, tables.ToJsonString());
        }
        return directory;
    }

    /// <summary>The real schema with small zone-map blocks, so that a few thousand rows span many blocks.</summary>
    public static ClaimsSchema WithBlockRows(string directory, int blockRows) =>
        ClaimsSchema.Load(SchemaFiles.FromDirectory(Write(directory, t => t["blockRows"] = blockRows)));
}
