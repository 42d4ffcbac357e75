using Claims.Engine.Storage;

namespace Claims.Import;

/// <summary>What `claims import uke` was asked to do.</summary>
public sealed record UkeImportOptions
{
    /// <summary>UKE files, and folders whose *.UKE files (any case) are all read; files are read in path order.</summary>
    public required IReadOnlyList<string> Inputs { get; init; }

    /// <summary>The dataset folder to write (a new version replaces what it held).</summary>
    public required string Out { get; init; }

    /// <summary>The custodian's salt for id1 and id2; made (0600) when the file does not exist.</summary>
    public required string SaltFile { get; init; }

    public DatasetAccess Access { get; init; } = DatasetAccess.Restricted;

    /// <summary>Any failed check stops the import with nothing published, instead of rejecting the receipt.</summary>
    public bool Strict { get; init; }

    /// <summary>A file of published figures for the population table (<see cref="Population.PopulationFile"/>); none leaves it empty.</summary>
    public string? Population { get; init; }
}
