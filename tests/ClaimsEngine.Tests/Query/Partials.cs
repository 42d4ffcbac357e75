using Claims.Engine.Query;

namespace Claims.Engine.Tests.Query;

internal static class Partials
{
    /// <summary>The partial as another process would get it: written to bytes and read back for the same query.</summary>
    public static PartialAggregate ThroughBytes(this PartialAggregate partial)
    {
        using var bytes = new MemoryStream();
        partial.WriteTo(bytes);
        bytes.Position = 0;
        return PartialAggregate.ReadFrom(bytes, partial.Query);
    }
}
