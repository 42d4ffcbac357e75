using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Claims.Engine.Cohorts;
using Claims.Engine.Extracts;
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

    /// <summary>The shard's cohort of the definition in <see cref="ShardWork.Query"/>: its attrition's patients, its members' months.</summary>
    Cohort,

    /// <summary>A stream: the shard's cohort's member count, then its members' rows of <see cref="ShardWork.Table"/> as an extract's Arrow batches.</summary>
    ExtractRows,

    /// <summary>The shard's members and feature rows of the model spec in <see cref="ShardWork.Query"/>: work of Claims.Modelling, which a silo runs beside the engine's.</summary>
    ModelRows,
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
/// <param name="DataEnd">For a cohort, the last month of receipts over every shard (YYYYMM): where follow-up ends for everyone, on a shard whose own receipts end sooner too.</param>
/// <param name="Project">For extract rows, the project whose pseudonyms they carry.</param>
/// <param name="Key">For extract rows, the project's pseudonym key (base64): the shard makes the pseudonyms, so no raw id leaves it.</param>
/// <param name="Skip">For a stream, the parts already received: a stream lost with its silo resumes after them.</param>
public sealed record ShardWork(ShardWorkKind Kind, string Query, string? Table = null, string? Column = null, long Rows = 0, MonthRange? Period = null, string? SchemaHash = null,
    int DataEnd = 0, string? Project = null, string? Key = null, int Skip = 0)
{
    private static readonly JsonSerializerOptions s_json = new() { Converters = { new JsonStringEnumConverter() } };

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    /// <summary>The work as JSON with the project's key left out: what a log line or an error may show of it.</summary>
    public override string ToString() => (this with { Key = Key is null ? null : "(withheld)" }).ToJson();

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

    /// <summary>Does the work on <paramref name="shard"/>: a query's partial aggregate, a cap's sample as little-endian doubles, or a cohort (<see cref="ShardCohort"/>).</summary>
    public byte[] Run(Dataset shard, ExecutionOptions options, CancellationToken cancellationToken = default)
    {
        var none = !Scope(ref shard);
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
            case ShardWorkKind.Cohort:
                return ShardCohort.Write(none ? null : Cohort(shard, options, cancellationToken));
            case ShardWorkKind.ModelRows:
                throw new ClaimsException("shard work: a model's rows are Claims.Modelling's work (ModelShards), not the engine's");
            default:
                throw new ClaimsException($"shard work: {Kind} is a stream, or no kind at all");
        }
    }

    /// <summary>
    /// Does streamed work on <paramref name="shard"/>: for extract rows, the shard's cohort's member count (8 bytes,
    /// little-endian), then one Arrow IPC stream per batch of <see cref="Rows"/> rows; the first <see cref="Skip"/> parts left out.
    /// Nothing is read before the first part is asked for.
    /// </summary>
    public IEnumerable<byte[]> Stream(Dataset shard, ExecutionOptions options, CancellationToken cancellationToken = default)
    {
        var none = !Scope(ref shard);
        if (Kind != ShardWorkKind.ExtractRows) throw new ClaimsException($"shard work: {Kind} is not a stream");
        if (Table is null || Project is null || Key is null || Rows is < 1 or > int.MaxValue) throw new ClaimsException("shard work: extract rows need a table, a project, a key and a batch size");
        if (Skip < 0) throw new ClaimsException($"shard work: cannot skip {Skip} parts");
        var cohort = none ? null : Cohort(shard, options, cancellationToken);
        if (Skip == 0) yield return BitConverter.GetBytes(cohort?.Count ?? 0L);
        if (cohort is null) yield break;
        // The parts skipped are counted in rows, neither pseudonymised nor written: a stream resumed deep into a table
        // costs the scan to where it broke off, not the work of every part before.
        foreach (var part in CohortExtract.Chunks(shard, cohort, Table, Convert.FromBase64String(Key), Project, (int)Rows, Math.Max(0, Skip - 1), cancellationToken))
            yield return part;
    }

    /// <summary>
    /// The shard as this work reads it (<see cref="Period"/>'s view), its schema checked against the coordinator's; null
    /// when the shard holds none of the period's months: for work done beside the engine's (<see cref="ShardWorkKind.ModelRows"/>).
    /// </summary>
    public Dataset? Scoped(Dataset shard) => Scope(ref shard) ? shard : null;

    /// <summary>
    /// Checks the coordinator's schema and narrows <paramref name="shard"/> to <see cref="Period"/>; false when the shard
    /// holds none of the period's months (its patients had no claims then): it answers nothing, as an empty view of the
    /// unsplit dataset's months would, since the coordinator checked the period against every shard's.
    /// </summary>
    private bool Scope(ref Dataset shard)
    {
        if (SchemaHash != shard.Schema.Hash)
            throw new ClaimsException($"shard work: the coordinator's schema ({SchemaHash?[..Math.Min(12, SchemaHash.Length)]}…) is not this host's ({shard.Schema.Hash[..12]}…): run one build of Claims on both");
        if (Period is not { } period) return true;
        if (!period.Overlaps(shard.Months)) return false;
        shard = shard.Period(period);
        return true;
    }

    private Cohort Cohort(Dataset shard, ExecutionOptions options, CancellationToken cancellationToken)
    {
        if (!MonthKey.IsValid(DataEnd)) throw new ClaimsException($"shard work: a cohort needs the data's last month (YYYYMM), not {DataEnd}");
        return shard.BuildCohort(CohortParser.Parse(Query, shard.Schema), options, MonthKey.ToAbsolute(DataEnd), cancellationToken);
    }
}
