using System.Reflection;

namespace Claims.Engine.Schema;

/// <summary>
/// Where the schema's files come from: the copy embedded in this assembly (so an installed tool works from any
/// folder) or a data-schemas directory on disk (for editing the schema without rebuilding).
/// </summary>
public abstract class SchemaFiles
{
    /// <summary>Paths relative to data-schemas/, with forward slashes, sorted ordinally.</summary>
    public abstract IReadOnlyList<string> Paths { get; }

    public abstract Stream Open(string path);

    public byte[] ReadAllBytes(string path)
    {
        using var stream = Open(path);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public static SchemaFiles Embedded { get; } = new EmbeddedSchemaFiles(typeof(SchemaFiles).Assembly);

    public static SchemaFiles FromDirectory(string directory) => new DirectorySchemaFiles(directory);

    private sealed class EmbeddedSchemaFiles : SchemaFiles
    {
        private const string Prefix = "data-schemas/";
        private readonly Assembly _assembly;

        public EmbeddedSchemaFiles(Assembly assembly)
        {
            _assembly = assembly;
            Paths = assembly.GetManifestResourceNames()
                .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
                .Select(n => n[Prefix.Length..])
                .Order(StringComparer.Ordinal)
                .ToArray();
        }

        public override IReadOnlyList<string> Paths { get; }

        public override Stream Open(string path) =>
            _assembly.GetManifestResourceStream(Prefix + path)
            ?? throw new SchemaException($"schema file '{path}' is not embedded in {_assembly.GetName().Name}");
    }

    private sealed class DirectorySchemaFiles : SchemaFiles
    {
        private readonly string _root;

        public DirectorySchemaFiles(string root)
        {
            if (!Directory.Exists(root))
                throw new SchemaException($"schema directory '{root}' does not exist");
            _root = Path.GetFullPath(root);
            Paths = Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories)
                .Where(p => p.EndsWith(".json", StringComparison.Ordinal) || p.EndsWith(".csv", StringComparison.Ordinal))
                .Select(p => Path.GetRelativePath(_root, p).Replace('\\', '/'))
                .Order(StringComparer.Ordinal)
                .ToArray();
        }

        public override IReadOnlyList<string> Paths { get; }

        public override Stream Open(string path)
        {
            var full = Path.Combine(_root, path);
            return File.Exists(full)
                ? File.OpenRead(full)
                : throw new SchemaException($"schema file '{path}' is missing from '{_root}'");
        }
    }
}
