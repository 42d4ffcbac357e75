namespace Claims.Sandbox.Sql;

/// <summary>A single value larger than one value may be in a response.</summary>
public sealed class SqlValueTooLargeException(long bytes) : Exception($"a value of about {bytes:N0} bytes")
{
    public long Bytes { get; } = bytes;
}
