using System.Text.Json;
using System.Text.Json.Serialization;

namespace Claims.Engine.Storage;

/// <summary>
/// manifest.json: the one file that makes a dataset exist. It is written last, by an atomic rename, and lists
/// every column file with its size and checksum, so a reader never sees a half-written dataset.
/// </summary>
public sealed record DatasetManifest(
    int FormatVersion,
    string Generation,
    DateTimeOffset CreatedAt,
    string SchemaHash,
    int BlockRows,
    DatasetAccess Access,
    DatasetProvenance Provenance,
    IReadOnlyList<TableManifest> Tables)
{
    /// <summary>2: column files may hold narrow dictionary ids (column format 2). A version 1 dataset still opens.</summary>
    public const int CurrentFormatVersion = 2;
    private const int FirstReadableVersion = 1;
    public const string FileName = "manifest.json";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static DatasetManifest Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            throw new StoreException(FileName, $"no dataset at '{directory}' (manifest.json is missing)");
        try
        {
            var manifest = JsonSerializer.Deserialize<DatasetManifest>(File.ReadAllBytes(path), Json)
                           ?? throw new StoreException(FileName, "is empty");
            if (manifest.FormatVersion is < FirstReadableVersion or > CurrentFormatVersion)
                throw new StoreException(FileName, $"dataset format version {manifest.FormatVersion} is not supported (this build reads versions {FirstReadableVersion} to {CurrentFormatVersion})");
            // Deserialisation leaves missing fields null; a manifest is only trusted whole.
            if (manifest.Generation is null || !System.Text.RegularExpressions.Regex.IsMatch(manifest.Generation, @"^g\d{6}$"))
                throw new StoreException(FileName, $"names no valid generation folder ('{manifest.Generation}')");
            if (manifest.Tables is null || manifest.Provenance is null || manifest.SchemaHash is null
                || manifest.Tables.Any(t => t?.Name is null || t.Columns is null || t.Partitions is null
                                            || t.Partitions.Any(p => p?.Path is null || p.Files is null || p.Files.Any(f => f?.File is null || f.Xxh3 is null))))
                throw new StoreException(FileName, "is incomplete: tables, partitions, files, provenance and schemaHash are required");
            return manifest;
        }
        catch (JsonException e)
        {
            throw new StoreException(FileName, $"is not a valid manifest: {e.Message}", e);
        }
    }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);
}

/// <summary>Who may read a dataset: anyone, or only an approved project (with disclosure control on every aggregate).</summary>
public enum DatasetAccess
{
    Public,
    Restricted,
}

/// <summary>Where the data came from: generator or import parameters, and whether it is synthetic.</summary>
public sealed record DatasetProvenance(bool Synthetic, string Source, IReadOnlyDictionary<string, string> Parameters);

public sealed record TableManifest(string Name, long RowCount, IReadOnlyList<ColumnManifest> Columns, IReadOnlyList<PartitionManifest> Partitions);

public sealed record ColumnManifest(string Name, string Type, bool Nullable);

/// <summary>One partition (a month): its folder relative to the dataset and its column files.</summary>
public sealed record PartitionManifest(int Key, long RowCount, string Path, IReadOnlyList<ColumnFileEntry> Files);
