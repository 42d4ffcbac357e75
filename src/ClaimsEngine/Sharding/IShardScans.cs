using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.Engine.Sharding;

/// <summary>
/// Where disclosure control's scans run for one question: in this process over opened shards (<see cref="OpenedShards"/>),
/// or on a cluster's shards through a transport (<see cref="ShardedDataset"/>). It asks for the merged partial and
/// the caps, and runs its rules once on what comes back, so both release exactly what the unsplit dataset releases.
/// </summary>
internal interface IShardScans
{
    /// <summary>A shard opened for its schema and manifest (access, the source's key identity and patients); no column of it is read here.</summary>
    Dataset Describing { get; }

    /// <summary>The shards' partials of <paramref name="query"/> (the analyst's), or of <paramref name="measured"/> where given, merged.</summary>
    PartialAggregate Partial(QueryModel query, MeasuredQuery? measured, CancellationToken cancellationToken);

    /// <summary>The cap of the column's per-patient totals over every shard (<see cref="ContributionCap"/>).</summary>
    double Cap(TableSchema table, ColumnSchema column, ReleaseUnit unit, CancellationToken cancellationToken);
}

/// <summary>Shards opened in this process, scanned one after another (each scan uses every core).</summary>
internal sealed class OpenedShards(IReadOnlyList<Dataset> shards, ExecutionOptions options) : IShardScans
{
    public Dataset Describing => shards[0];

    public PartialAggregate Partial(QueryModel query, MeasuredQuery? measured, CancellationToken cancellationToken)
    {
        var scanned = measured?.Query ?? query;
        var merged = shards[0].Partial(scanned, null, cancellationToken, options: options);
        foreach (var shard in shards.Skip(1)) merged.Merge(shard.Partial(scanned, null, cancellationToken, options: options));
        return merged;
    }

    public double Cap(TableSchema table, ColumnSchema column, ReleaseUnit unit, CancellationToken cancellationToken) => ContributionCap.Of(shards, table, column, unit);
}
