namespace Claims.Cluster.Grains;

/// <summary>
/// What a shard said was wrong, carried back to the coordinator: a file of its dataset missing, cut short or failing
/// its checksum (<see cref="File"/> set, the store's error), or anything else the engine refused. By message and file
/// only: Orleans serializes only the exception types it was given codecs for, and the engine's know nothing of Orleans.
/// </summary>
[GenerateSerializer]
public sealed class ShardFailedException(string reason, string? file) : Exception(file is null ? reason : $"{file}: {reason}")
{
    [Id(0)]
    public string Reason { get; } = reason;

    /// <summary>The damaged file, relative to the shard's dataset; null when the shard's data is not at fault.</summary>
    [Id(1)]
    public string? File { get; } = file;
}
