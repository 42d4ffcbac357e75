namespace Claims.Engine.Extracts;

/// <summary>What to extract for a cohort, for which project, and where to.</summary>
public sealed record ExtractRequest
{
    /// <summary>The project the extract is for; recorded in the manifest and mixed into every pseudonym.</summary>
    public required string Project { get; init; }

    /// <summary>The project key (at least 32 bytes); never written anywhere, only its fingerprint.</summary>
    public required byte[] Key { get; init; }

    public required IReadOnlyList<string> Tables { get; init; }
    public ExtractFormat Format { get; init; } = ExtractFormat.Parquet;
    public required string OutDirectory { get; init; }

    /// <summary>The cohort definition as the user wrote it, kept in the manifest so the extract says what it holds.</summary>
    public required string CohortDefinitionJson { get; init; }

    /// <summary>Rows per Parquet row group, Arrow record batch or CSV write: the bound on what is held in memory per column.</summary>
    public int BatchRows { get; init; } = 1 << 16;
}
