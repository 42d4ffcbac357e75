using Claims.Engine.Tests.Query;

using Claims.Testing;

namespace Claims.Engine.Tests.Cohorts;

/// <summary>
/// 8,000 persons over 15 months (January 2023 to March 2024): long enough for prior-observation, look-back and
/// follow-up windows to matter, in the engine and in DuckDB over the Parquet export.
/// </summary>
public sealed class CohortFixture() : QueryFixture(persons: 8_000, from: 202301, months: 15, seed: 91);

[CollectionDefinition(Name)]
public sealed class CohortData : ICollectionFixture<CohortFixture>
{
    public const string Name = "cohort data";
}
