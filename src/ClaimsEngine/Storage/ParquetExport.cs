using Claims.Engine.Schema;
using ParquetSharp;
using LogicalType = Claims.Engine.Schema.LogicalType;

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

    /// <summary>
    /// Writes every table into a staging folder first and moves each into place only when all are written, so a
    /// failure (a corrupt column, a full disk) leaves the previous export as it was. A table folder holding
    /// anything but .parquet files is not ours to replace: the export refuses and names the file.
    /// </summary>
    public static IReadOnlyList<ExportedFile> Write(Dataset dataset, string outDirectory)
    {
        outDirectory = Path.GetFullPath(outDirectory);
        foreach (var table in dataset.Tables)
        {
            var existing = Path.Combine(outDirectory, table.Name);
            if (File.Exists(existing)) throw new ClaimsException($"'{existing}' is a file, not a folder for table {table.Name}");
            if (Directory.Exists(existing) && Directory.EnumerateFileSystemEntries(existing).FirstOrDefault(e => !e.EndsWith(".parquet", StringComparison.Ordinal)) is { } foreign)
                throw new ClaimsException($"'{foreign}' is not an export file; move it before exporting into '{outDirectory}'");
        }
        var staging = Path.Combine(outDirectory, $".export-{Environment.ProcessId}.tmp");
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
                    written.Add(new ExportedFile(table.Name, Path.Combine(outDirectory, table.Name, name + ".parquet"), partition?.RowCount ?? 0));
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
        var columns = table.Columns.Select(ParquetColumn).ToArray();
        var manifest = dataset.Manifest;
        var metadata = new Dictionary<string, string>
        {
            ["claims.table"] = table.Name,
            ["claims.synthetic"] = manifest.Provenance.Synthetic ? "true" : "false",
            ["claims.access"] = manifest.Access.ToString().ToLowerInvariant(),
            ["claims.source"] = manifest.Provenance.Source,
            ["claims.schema_hash"] = manifest.SchemaHash,
        };
        using var writer = new ParquetFileWriter(path, columns, Compression.Snappy, metadata);
        var rows = partition?.RowCount ?? 0;
        for (var start = 0; start == 0 || start < rows; start += RowGroupRows)
        {
            var count = Math.Min(RowGroupRows, rows - start);
            using var rowGroup = writer.AppendRowGroup();
            for (var c = 0; c < table.Columns.Count; c++)
            {
                using var columnWriter = rowGroup.NextColumn();
                if (partition is null) WriteEmpty(columnWriter, table.Columns[c]);
                else WriteColumn(columnWriter, partition.Columns[c], start, count);
            }
        }
        writer.Close();
    }

    private static Column ParquetColumn(ColumnSchema column) => column.Type switch
    {
        LogicalType.Bool => new Column<bool?>(column.Name),
        LogicalType.Int8 => new Column<sbyte?>(column.Name),
        LogicalType.Int16 => new Column<short?>(column.Name),
        LogicalType.Int32 or LogicalType.Month => new Column<int?>(column.Name),
        LogicalType.Int64 => new Column<long?>(column.Name),
        LogicalType.Float32 => new Column<float?>(column.Name),
        LogicalType.Date => new Column<Date?>(column.Name),
        LogicalType.Code or LogicalType.String or LogicalType.Hash => new Column<string>(column.Name),
        _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, null),
    };

    private static void WriteColumn(ColumnWriter writer, MappedColumn column, int start, int count)
    {
        switch (column.Schema.Type)
        {
            case LogicalType.Bool: Write<bool, bool>(writer, column, start, count, v => v); break;
            case LogicalType.Int8: Write<sbyte, sbyte>(writer, column, start, count, v => v); break;
            case LogicalType.Int16: Write<short, short>(writer, column, start, count, v => v); break;
            case LogicalType.Int32 or LogicalType.Month: Write<int, int>(writer, column, start, count, v => v); break;
            case LogicalType.Int64: Write<long, long>(writer, column, start, count, v => v); break;
            case LogicalType.Float32: Write<float, float>(writer, column, start, count, v => v); break;
            case LogicalType.Date: Write<int, Date>(writer, column, start, count, v => new Date(v)); break;
            default:
                var strings = new string?[count];
                for (var i = 0; i < count; i++) strings[i] = (string?)column.GetValue(start + i);
                using (var logical = writer.LogicalWriter<string?>()) logical.WriteBatch(strings);
                break;
        }
    }

    private static void Write<TStored, TParquet>(ColumnWriter writer, MappedColumn column, int start, int count, Func<TStored, TParquet> convert)
        where TStored : unmanaged where TParquet : struct
    {
        var values = column.Values<TStored>().Slice(start, count);
        var validity = column.ValidityBitmap;
        var output = new TParquet?[count];
        for (var i = 0; i < count; i++)
            output[i] = Validity.IsValid(validity, start + i) ? convert(values[i]) : null;
        using var logical = writer.LogicalWriter<TParquet?>();
        logical.WriteBatch(output);
    }

    private static void WriteEmpty(ColumnWriter writer, ColumnSchema column)
    {
        switch (column.Type)
        {
            case LogicalType.Bool: Empty<bool?>(writer); break;
            case LogicalType.Int8: Empty<sbyte?>(writer); break;
            case LogicalType.Int16: Empty<short?>(writer); break;
            case LogicalType.Int32 or LogicalType.Month: Empty<int?>(writer); break;
            case LogicalType.Int64: Empty<long?>(writer); break;
            case LogicalType.Float32: Empty<float?>(writer); break;
            case LogicalType.Date: Empty<Date?>(writer); break;
            default: Empty<string?>(writer); break;
        }
    }

    private static void Empty<T>(ColumnWriter writer)
    {
        using var logical = writer.LogicalWriter<T>();
        logical.WriteBatch([]);
    }
}
