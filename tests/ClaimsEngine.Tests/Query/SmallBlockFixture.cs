using Claims.Testing;

namespace Claims.Engine.Tests.Query;

/// <summary>
/// 4,000 persons over 15 months (January 2023 to March 2024) written with 4,096-row blocks, so that every table's
/// months span several blocks and zone-map skipping, block edges and the merging of per-block results meet the
/// oracles, for queries and cohorts alike (at the schema's 65,536 rows a month of the other fixtures is one block).
/// </summary>
public sealed class SmallBlockFixture() : QueryFixture(persons: 4_000, from: 202301, months: 15, seed: 93, blockRows: BlockRows)
{
    public const int BlockRows = 4_096;
}

[CollectionDefinition(Name)]
public sealed class SmallBlockData : ICollectionFixture<SmallBlockFixture>
{
    public const string Name = "small-block data";
}
