using Claims.Engine.Schema;

namespace Claims.Engine.Storage;

/// <summary>What an export wrote: one entry per file.</summary>
public sealed record ExportedFile(string Table, string Path, long Rows);

/// <summary>
/// Writes every table as Parquet, one file per partition (OUT/&lt;table&gt;/&lt;YYYYMM&gt;.parquet), readable by DuckDB,
/// pandas and R. Codes and strings become UTF-8 strings, hashes 64 hex digits, dates Parquet DATE; nulls stay
/// nulls. Every file carries the dataset's provenance (claims.synthetic and the rest) as key-value metadata, so a
/// synthetic export can never pass for real data.
/// </summary>
public static class ParquetExport
{
    private const int RowGroupRows = 1 << 20;

    private const string StagingPrefix = ".export-";

    /// <summary>
    /// Writes every table into a staging folder first and moves each into place only when all are written, so a
    /// failure (a corrupt column, a full disk, a kill) leaves the previous export as it was; the staging folders a
    /// killed export left are removed by the next. A table folder holding anything but .parquet files is not ours
    /// to replace: the export refuses and names the file.
    /// </summary>
    /// <param name="progress">Told of each file as it is written into the staging folder (under the name it will have):
    /// minutes of export are not silent, and crash tests stop the export there.</param>
    public static IReadOnlyList<ExportedFile> Write(Dataset dataset, string outDirectory, IProgress<ExportedFile>? progress = null)
    {
        outDirectory = Path.GetFullPath(outDirectory);
        foreach (var table in dataset.Tables)
        {
            var existing = Path.Combine(outDirectory, table.Name);
            if (File.Exists(existing)) throw new ClaimsException($"'{existing}' is a file, not a folder for table {table.Name}");
            if (Directory.Exists(existing) && Directory.EnumerateFileSystemEntries(existing).FirstOrDefault(e => !e.EndsWith(".parquet", StringComparison.Ordinal)) is { } foreign)
                throw new ClaimsException($"'{foreign}' is not an export file; move it before exporting into '{outDirectory}'");
        }
        if (Directory.Exists(outDirectory))
            foreach (var stale in Directory.EnumerateDirectories(outDirectory, StagingPrefix + "*.tmp")) Directory.Delete(stale, recursive: true);
        var staging = Path.Combine(outDirectory, $"{StagingPrefix}{Environment.ProcessId}.tmp");
        var written = new List<ExportedFile>();
        try
        {
            foreach (var table in dataset.Tables)
            {
                var folder = Path.Combine(staging, table.Name);
                Directory.CreateDirectory(folder);
                // An empty table still gets a file, so that read_parquet('OUT/t/*.parquet') finds its columns.
                var parts = table.Partitions.Count > 0 ? table.Partitions.Select(p => (Name: p.Key.ToString(), Partition: (DatasetPartition?)p)) : [("empty", null)];
                foreach (var (name, partition) in parts)
                {
                    WriteFile(dataset, table.Schema, partition, Path.Combine(folder, name + ".parquet"));
                    var file = new ExportedFile(table.Name, Path.Combine(outDirectory, table.Name, name + ".parquet"), partition?.RowCount ?? 0);
                    written.Add(file);
                    progress?.Report(file);
                }
            }
            foreach (var table in dataset.Tables)
            {
                var target = Path.Combine(outDirectory, table.Name);
                if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
                Directory.Move(Path.Combine(staging, table.Name), target);
            }
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
        return written;
    }

    private static void WriteFile(Dataset dataset, TableSchema table, DatasetPartition? partition, string path)
    {
        var rows = partition?.RowCount ?? 0;
        var capacity = Math.Min(RowGroupRows, rows);
        var buffers = table.Columns.Select(c => ColumnBuffer.For(c.Type, capacity)).ToArray();
        using var writer = ParquetFiles.Create(path, table.Columns.Select(c => c.Name).ToArray(), buffers, ParquetFiles.Metadata(dataset.Manifest, table.Name));
        var selection = new int[capacity];
        // An empty partition still writes one empty row group, so readers see the columns.
        for (var start = 0; start == 0 || start < rows; start += RowGroupRows)
        {
            var count = Math.Min(RowGroupRows, rows - start);
            for (var i = 0; i < count; i++) selection[i] = start + i;
            if (partition is not null)
                for (var c = 0; c < buffers.Length; c++) buffers[c].Gather(partition.Columns[c], selection.AsSpan(0, count), 0);
            ParquetFiles.WriteRowGroup(writer, buffers, count);
        }
        writer.Close();
    }
}
