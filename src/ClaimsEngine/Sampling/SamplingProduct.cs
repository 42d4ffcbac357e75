using System.Diagnostics;
using System.Globalization;
using Claims.Engine.Storage;

namespace Claims.Engine.Sampling;

/// <summary>
/// The NDB sampling product (サンプリングデータセット): from the chosen calendar months, a stratified sample of the
/// medical and pharmacy claims with whole receipts (every line of a drawn receipt, none of the others), very
/// high-cost claims dropped, rare codes masked, prefecture, insurer, facility, birth month and every identity key
/// blanked, and receipts renumbered. Written as a dataset of its own, so the engine queries it like any other.
/// Checkups are not part of the product.
/// </summary>
public static class SamplingProduct
{
    private const int BatchRows = 65_536;

    /// <summary>
    /// Where the care happened, who insures the patient, and every key that could link claims: the product has no
    /// linkage across months (nor within one), so patient_id is NULL rather than a number that would suggest one.
    /// Facility codes identify institutions; the product carries the age, not the birth month.
    /// </summary>
    public static IReadOnlyList<string> Blanked { get; } =
        ["prefecture", "insurer_kind", "facility_id", "prescriber_id", "birth_ym", "id1", "id2", "id5", "patient_id"];

    private static readonly string[] s_lineTables = ["diagnoses", "procedures", "drugs", "devices", "dpc"];

    public static SampleSummary Write(Dataset source, string output, SampleOptions options)
    {
        var stopwatch = Stopwatch.StartNew();
        Validate(source, output, options);
        var shares = options.Kinds.GroupBy(k => k.Group).ToDictionary(g => g.Key, g => g.First().MaskShare);

        var receipts = source.Table("receipts").Partitions
            .Where(p => options.Months.Contains(p.Key % 100))
            .Select(p => (Partition: p, Draw: MonthDraw.Draw(p, options)))
            .ToArray();
        var draws = receipts.ToDictionary(r => r.Partition.Key, r => r.Draw);
        var numbers = ReceiptNumbers.Assign(options.Seed, receipts.SelectMany(r => r.Draw.Receipts.Keys).ToArray());
        var lines = s_lineTables
            .SelectMany(t => source.Table(t).Partitions.Where(p => draws.ContainsKey(p.Key)))
            .Select(p => (Partition: p, Rows: RowsOf(p, draws[p.Key], numbers)))
            .ToArray();
        var occurrences = new Dictionary<(MaskedColumn Column, string Group), Dictionary<string, long>>();
        foreach (var (partition, rows) in lines) CountCodes(partition, rows, draws[partition.Key], occurrences);
        var masks = occurrences.ToDictionary(o => o.Key, o => RareCodes.Choose(o.Value, shares[o.Key.Group]));

        var write = new DatasetWriteOptions { Schema = source.Schema, Access = source.Manifest.Access, Provenance = Provenance(source, options) };
        using (var writer = DatasetWriter.Create(output, write))
        {
            foreach (var (partition, draw) in receipts) Write(writer, partition, RowsOf(partition, draw, numbers), draw, masks, numbers);
            foreach (var (partition, rows) in lines) Write(writer, partition, rows, draws[partition.Key], masks, numbers);
            writer.Commit();
        }

        var kinds = options.Kinds.Select(k => new SampledKindSummary(k.Name, k.Rate,
            receipts.Sum(r => r.Draw.Counts[k].Source), receipts.Sum(r => r.Draw.Counts[k].HighCost), receipts.Sum(r => r.Draw.Counts[k].Drawn))).ToArray();
        var maskSummaries = occurrences
            .OrderBy(o => o.Key.Column.Name, StringComparer.Ordinal).ThenBy(o => o.Key.Group, StringComparer.Ordinal)
            .Select(o => new MaskSummary(o.Key.Column.Name, o.Key.Group, shares[o.Key.Group], o.Value.Count, masks[o.Key].Count,
                o.Value.Values.Sum(), o.Value.Where(c => masks[o.Key].Contains(c.Key)).Sum(c => c.Value)))
            .ToArray();
        return new SampleSummary(kinds, maskSummaries, lines.Sum(l => (long)l.Rows.Length), stopwatch.Elapsed);
    }

    private static void Validate(Dataset source, string output, SampleOptions options)
    {
        if (Path.GetFullPath(output).TrimEnd(Path.DirectorySeparatorChar) == source.Directory.TrimEnd(Path.DirectorySeparatorChar))
            throw new ClaimsException("the sample cannot be written over the dataset it is drawn from; choose another --out");
        if (options.Months.Count == 0 || options.Months.Any(m => m is < 1 or > 12))
            throw new ClaimsException($"months must be calendar months 1–12, not '{string.Join(",", options.Months)}'");
        if (options.Kinds.FirstOrDefault(k => k.Rate is <= 0 or > 1) is { } badRate)
            throw new ClaimsException($"the sampling rate of {badRate.Name} claims must lie in (0, 1], not {badRate.Rate}");
        if (options.Kinds.GroupBy(k => k.Group).FirstOrDefault(g => g.Select(k => k.MaskShare).Distinct().Count() > 1) is { } mixed)
            throw new ClaimsException($"claim kinds of group '{mixed.Key}' must share one masking bound");
    }

    /// <summary>
    /// The rows of drawn receipts in a receipts or line partition, in the order of their new receipt ids (a receipt's
    /// lines in their source order): the source's order (by person, in generated data) would link claims as the old
    /// ids did.
    /// </summary>
    private static int[] RowsOf(DatasetPartition partition, MonthDraw draw, Dictionary<long, long> numbers)
    {
        var receiptIds = partition.Column("receipt_id").Values<long>();
        var rows = new List<(long Number, int Row)>();
        for (var row = 0; row < receiptIds.Length; row++)
        {
            if (draw.Receipts.ContainsKey(receiptIds[row])) rows.Add((numbers[receiptIds[row]], row));
        }
        rows.Sort();
        return rows.Select(r => r.Row).ToArray();
    }

    private static void CountCodes(DatasetPartition partition, int[] rows, MonthDraw draw,
        Dictionary<(MaskedColumn, string), Dictionary<string, long>> occurrences)
    {
        var receiptIds = partition.Column("receipt_id").Values<long>();
        foreach (var masked in MaskedColumn.Ndb.Where(m => m.Table == partition.Table.Name))
        {
            var column = partition.Column(masked.Column);
            var codes = column.Values<int>();
            // Counted by dictionary id first: one array increment a row, the strings only once a partition.
            var byId = new Dictionary<string, long[]>(StringComparer.Ordinal);
            foreach (var row in rows)
            {
                if (column.IsNull(row)) continue;
                var group = draw.Receipts[receiptIds[row]].Group;
                if (!byId.TryGetValue(group, out var counts)) byId[group] = counts = new long[column.Dictionary.Count];
                counts[codes[row]]++;
            }
            foreach (var (group, counts) in byId)
            {
                if (!occurrences.TryGetValue((masked, group), out var total)) occurrences[(masked, group)] = total = new(StringComparer.Ordinal);
                for (var id = 0; id < counts.Length; id++)
                {
                    if (counts[id] > 0) total[column.Dictionary[id]] = total.GetValueOrDefault(column.Dictionary[id]) + counts[id];
                }
            }
        }
    }

    private static void Write(DatasetWriter writer, DatasetPartition partition, int[] rows, MonthDraw draw,
        Dictionary<(MaskedColumn, string), IReadOnlySet<string>> masks, Dictionary<long, long> numbers)
    {
        if (rows.Length == 0) return;
        var batch = new RowBatch(partition.Table, Math.Min(BatchRows, rows.Length));
        var target = writer.Partition(partition.Table.Name, partition.Key);
        for (var start = 0; start < rows.Length; start += batch.Capacity)
        {
            batch.Clear();
            RowCopy.Into(batch, partition, rows.AsSpan(start, Math.Min(batch.Capacity, rows.Length - start)));
            Blank(batch);
            Mask(batch, draw, masks);
            Renumber(batch, numbers);
            target.Append(batch);
        }
    }

    private static void Blank(RowBatch batch)
    {
        foreach (var name in Blanked)
        {
            if (batch.Table.TryGetColumn(name, out _)) batch.Nulls(name).AsSpan(0, batch.Count).Fill(true);
        }
    }

    /// <summary>Replaces every receipt id by its new one; after masking, which finds a row's group by the source id.</summary>
    private static void Renumber(RowBatch batch, Dictionary<long, long> numbers)
    {
        var receiptIds = batch.Values<long>("receipt_id").AsSpan(0, batch.Count);
        foreach (ref var id in receiptIds) id = numbers[id];
    }

    private static void Mask(RowBatch batch, MonthDraw draw, Dictionary<(MaskedColumn, string), IReadOnlySet<string>> masks)
    {
        var table = batch.Table.Name;
        var receiptIds = batch.Values<long>("receipt_id");
        var groups = new string[batch.Count];
        for (var row = 0; row < groups.Length; row++) groups[row] = draw.Receipts[receiptIds[row]].Group;
        foreach (var masked in MaskedColumn.Ndb)
        {
            if (masked.Table == table) MaskRows(batch, masked.Column, masked.Followers, masked, groups, masks);
            foreach (var mirror in masked.Mirrors.Where(m => m.Table == table)) MaskRows(batch, mirror.Column, [], masked, groups, masks);
        }
    }

    private static void MaskRows(RowBatch batch, string column, IReadOnlyList<string> followers, MaskedColumn masked, string[] groups,
        Dictionary<(MaskedColumn, string), IReadOnlySet<string>> masks)
    {
        var codes = batch.Strings(column);
        for (var row = 0; row < batch.Count; row++)
        {
            if (codes[row] is not { } code || !masks.TryGetValue((masked, groups[row]), out var set) || !set.Contains(code)) continue;
            codes[row] = MaskedColumn.Code;
            foreach (var follower in followers)
            {
                var values = batch.Strings(follower);
                // A masked code's text (a disease name) would tell what was masked: it goes; a code keeps its NULL.
                values[row] = batch.Table.Column(follower).Type == Schema.LogicalType.Code && values[row] is not null ? MaskedColumn.Code : null;
            }
        }
    }

    private static DatasetProvenance Provenance(Dataset source, SampleOptions options)
    {
        static string Join<T>(IEnumerable<T> values) => string.Join(",", values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));
        var input = source.Manifest.Provenance;
        var parameters = new Dictionary<string, string>
        {
            ["sample.of"] = source.Directory,
            ["sample.seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
            ["sample.months"] = Join(options.Months),
            ["sample.strata"] = "service month × claim kind × sex × 5-year age band",
            ["sample.rates"] = Join(options.Kinds.Select(k => $"{k.Name}={k.Rate.ToString(CultureInfo.InvariantCulture)}")),
            ["sample.highCostPoints"] = Join(options.Kinds.Select(k => $"{k.Name}>={k.HighCostPoints}")),
            ["sample.maskShares"] = Join(options.Kinds.DistinctBy(k => k.Group).Select(k => $"{k.Group}={k.MaskShare.ToString(CultureInfo.InvariantCulture)}")),
            ["sample.maskedCode"] = MaskedColumn.Code,
            ["sample.maskedColumns"] = Join(MaskedColumn.Ndb.Select(m => m.Name)),
            ["sample.blanked"] = Join(Blanked),
            ["sample.receiptIds"] = "renumbered 1..N in a shuffled order",
            ["input.source"] = input.Source,
        };
        foreach (var (key, value) in input.Parameters) parameters[$"input.{key}"] = value;
        return new DatasetProvenance(input.Synthetic, $"sampling product of {source.Directory}", parameters);
    }
}
