using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Storage;

namespace Claims.Engine.Sharding;

/// <summary>What a coordinator asks of each shard.</summary>
public enum ShardWorkKind
{
    /// <summary>The partial aggregate of <see cref="ShardWork.Query"/>.</summary>
    Partial,

    /// <summary>The partial aggregate of <see cref="ShardWork.Query"/> with what disclosure control measures beside it (each group's patients, each patient's totals).</summary>
    MeasuredPartial,

    /// <summary>The shard's sampled patients' totals of <see cref="ShardWork.Column"/>, for the column's contribution cap.</summary>
    CapSample,
}

/// <summary>
/// One piece of a coordinator's work for a shard, as text any transport carries (an Orleans grain call, a test's
/// loop), and its answer as bytes in the engine's own formats, read back only by the coordinator that asked
/// (<see cref="ShardedDataset"/>). The shard binds the query to its own schema and measures it as the coordinator
/// does, and the partial's shape check says where the two disagree.
/// </summary>
/// <param name="Rows">For a cap sample, the table's rows over every shard (in <paramref name="Period"/>): it sizes the share of patients sampled, which every shard must share.</param>
/// <param name="Period">The months a project was approved for: the shard answers from its <see cref="Dataset.Period"/> view, as one node does.</param>
/// <param name="SchemaHash">The coordinator's schema: a shard under another binds the same text to other columns or codes, which no partial's shape would show.</param>
public sealed record ShardWork(ShardWorkKind Kind, string Query, string? Table = null, string? Column = null, long Rows = 0, MonthRange? Period = null, string? SchemaHash = null)
{
    private static readonly JsonSerializerOptions s_json = new() { Converters = { new JsonStringEnumConverter() } };

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    public static ShardWork Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<ShardWork>(json, s_json) ?? throw new ClaimsException("shard work: empty");
        }
        catch (JsonException e)
        {
            throw new ClaimsException($"shard work: not readable ({e.Message})");
        }
    }

    /// <summary>Does the work on <paramref name="shard"/>: a query's partial aggregate, or a cap's sample as little-endian doubles.</summary>
    public byte[] Run(Dataset shard, ExecutionOptions options, CancellationToken cancellationToken = default)
    {
        if (SchemaHash != shard.Schema.Hash)
            throw new ClaimsException($"shard work: the coordinator's schema ({SchemaHash?[..Math.Min(12, SchemaHash.Length)]}…) is not this host's ({shard.Schema.Hash[..12]}…): run one build of Claims on both");
        // A shard holding none of the period's months (its patients had no claims then) answers nothing, as an empty
        // view of the unsplit dataset's months would: the coordinator checked the period against every shard's.
        var none = Period is { } months && !months.Overlaps(shard.Months);
        if (Period is { } period && !none) shard = shard.Period(period);
        switch (Kind)
        {
            case ShardWorkKind.Partial or ShardWorkKind.MeasuredPartial:
                var query = QueryParser.Parse(Query, shard.Schema);
                if (Kind == ShardWorkKind.MeasuredPartial) query = MeasuredQuery.Of(query, ReleaseUnit.Of(shard, query.From)).Query;
                using (var bytes = new MemoryStream())
                {
                    shard.Partial(query, none ? [] : null, cancellationToken, options: options).WriteTo(bytes);
                    return bytes.ToArray();
                }
            case ShardWorkKind.CapSample:
                if (Table is null || !shard.Schema.TryGetTable(Table, out var table)) throw new ClaimsException($"shard work: no table '{Table}' to sample");
                var column = table.Columns.FirstOrDefault(c => c.Name == Column) ?? throw new ClaimsException($"shard work: {Table} has no column '{Column}'");
                var totals = none ? [] : ContributionCap.Sampled(shard.Table(table.Name).Partitions, column, ReleaseUnit.Of(shard, table).Column, ContributionCap.Kept(Rows));
                return MemoryMarshal.AsBytes(totals.AsSpan()).ToArray();
            default:
                throw new ClaimsException($"shard work: no such kind {Kind}");
        }
    }
}
