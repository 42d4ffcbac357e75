using System.Diagnostics;
using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.Engine.Linkage;

/// <summary>What linking a dataset did.</summary>
public sealed record LinkSummary(LinkageMethod Method, int Patients, long Receipts, long Checkups, long LineRows, TimeSpan Elapsed);

/// <summary>
/// Links a dataset and writes patient_id into every table as a new generation: receipts and checkups from the
/// clustering, line tables (diagnoses, procedures, …) from their receipt in the same month. Only the patient_id
/// files are new; every other file is hard-linked, and the manifest records provenance parameter "linkage".
/// </summary>
public static class PatientIdWriter
{
    public const string Column = "patient_id";
    private const int ChunkRows = 1 << 16;

    public static LinkSummary Write(string directory, LinkageMethod method = LinkageMethod.Combined, ClaimsSchema? schema = null,
        IProgress<WriteStage>? progress = null)
    {
        var stopwatch = Stopwatch.StartNew();
        schema ??= ClaimsSchema.Default;
        // The rewriter takes the lock first, so the generation opened below is the one it rewrites.
        using var rewriter = DatasetRewriter.Open(directory, schema, progress);
        using var dataset = Dataset.Open(directory, schema: schema);
        if (dataset.Manifest.Generation != rewriter.Current.Generation)
            throw new ClaimsException($"the dataset at '{directory}' changed while linking started; run again");

        var index = LinkageIndex.Build(dataset, method);
        var lineTables = dataset.Tables
            .Where(t => t.Name != "receipts" && t.Schema.ParentTable == "receipts" && t.Schema.TryGetColumn(Column, out _))
            .ToArray();
        long receipts = 0, lines = 0, checkups = 0;
        foreach (var partition in dataset.Table("receipts").Partitions)
        {
            var patients = new int[partition.RowCount];
            index.Assign(partition, patients);
            Replace(rewriter, partition, patients);
            receipts += partition.RowCount;
            var map = new ReceiptPatientMap(partition.Column("receipt_id").Values<long>(), patients);
            foreach (var table in lineTables)
            {
                var lineMonth = table.Partitions.FirstOrDefault(p => p.Key == partition.Key);
                if (lineMonth is null) continue;
                WriteLines(rewriter, lineMonth, map);
                lines += lineMonth.RowCount;
            }
        }
        var receiptMonths = dataset.Table("receipts").Partitions.Select(p => p.Key).ToHashSet();
        var orphan = lineTables.SelectMany(t => t.Partitions).FirstOrDefault(p => !receiptMonths.Contains(p.Key));
        if (orphan is not null)
            throw new ClaimsException($"{orphan.Table.Name}/{orphan.Key} has {orphan.RowCount} lines but there are no receipts in {orphan.Key}");
        foreach (var partition in dataset.Table("checkups").Partitions)
        {
            var patients = new int[partition.RowCount];
            index.Assign(partition, patients);
            Replace(rewriter, partition, patients);
            checkups += partition.RowCount;
        }
        rewriter.Commit(new Dictionary<string, string> { ["linkage"] = method.Name(), ["patients"] = index.PatientCount.ToString() });
        return new LinkSummary(method, index.PatientCount, receipts, checkups, lines, stopwatch.Elapsed);
    }

    private static void Replace(DatasetRewriter rewriter, DatasetPartition partition, ReadOnlySpan<int> patients)
    {
        rewriter.Replace(partition.Table.Name, partition.Key, Column).Append(patients);
    }

    /// <summary>Streams a line partition's patient ids in chunks, so the largest line table never needs a whole-month array.</summary>
    private static void WriteLines(DatasetRewriter rewriter, DatasetPartition partition, ReceiptPatientMap map)
    {
        var replacement = rewriter.Replace(partition.Table.Name, partition.Key, Column);
        var receipts = partition.Column("receipt_id").Values<long>();
        var chunk = new int[Math.Min(ChunkRows, partition.RowCount)];
        for (var start = 0; start < partition.RowCount; start += chunk.Length)
        {
            var count = Math.Min(chunk.Length, partition.RowCount - start);
            for (var i = 0; i < count; i++)
            {
                var patient = map.PatientOf(receipts[start + i]);
                if (patient < 0)
                    throw new ClaimsException($"{partition.Table.Name}/{partition.Key} row {start + i}: receipt_id {receipts[start + i]} has no receipt in {partition.Key}");
                chunk[i] = patient;
            }
            replacement.Append<int>(chunk.AsSpan(0, count));
        }
    }
}
