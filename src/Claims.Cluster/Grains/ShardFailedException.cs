namespace Claims.Cluster.Grains;

/// <summary>
/// What a shard said was wrong (its files fail their checksums, a column it lacks), carried back to the coordinator
/// by message: Orleans serializes only the exception types it was given codecs for, and the engine's know nothing of Orleans.
/// </summary>
[GenerateSerializer]
public sealed class ShardFailedException(string message) : Exception(message);
