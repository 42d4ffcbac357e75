using System.Text.Json;
using Claims.Engine.Storage;

namespace Claims.Engine.Extracts;

/// <summary>
/// OUT/manifest.json: what an extract holds and where it came from. It names the project and the key's
/// fingerprint (never the key), keeps the cohort definition as written, and carries the dataset's provenance so
/// that a synthetic extract can never pass for real data.
/// </summary>
public sealed record ExtractManifest(
    int FormatVersion,
    string Format,
    DateTimeOffset CreatedAt,
    string EngineVersion,
    string Project,
    string KeyFingerprint,
    string Pseudonyms,
    ExtractCohort Cohort,
    ExtractSource Dataset,
    IReadOnlyList<ExtractedFile> Files)
{
    public const int CurrentFormatVersion = 1;

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, DatasetManifest.Json);

    public static ExtractManifest Read(string directory) =>
        JsonSerializer.Deserialize<ExtractManifest>(File.ReadAllBytes(Path.Combine(directory, ExtractFolder.ManifestName)), DatasetManifest.Json)
        ?? throw new ClaimsException($"'{directory}/{ExtractFolder.ManifestName}' is empty");
}

/// <summary>The cohort: its name and size, and its definition exactly as given (with the SHA-256 of that text).</summary>
public sealed record ExtractCohort(string Name, long Size, string DefinitionSha256, JsonElement Definition);

/// <summary>The dataset the extract was taken from, as its manifest describes it, and the months read from it (a project's period, or all it holds).</summary>
public sealed record ExtractSource(
    bool Synthetic,
    string Source,
    IReadOnlyDictionary<string, string> Parameters,
    DatasetAccess Access,
    string SchemaHash,
    string Generation,
    DateTimeOffset CreatedAt,
    MonthRange? Months);

/// <summary>One table's file: its rows, size and SHA-256, and the columns that were withheld from it.</summary>
public sealed record ExtractedFile(string Table, string File, long Rows, long Bytes, string Sha256, IReadOnlyList<string> Withheld);
