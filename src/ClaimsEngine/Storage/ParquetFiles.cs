using ParquetSharp;

namespace Claims.Engine.Storage;

/// <summary>What every Parquet file the engine writes shares: the provenance metadata and row groups written from column buffers.</summary>
internal static class ParquetFiles
{
    /// <summary>
    /// The dataset's provenance as key-value metadata, so that a file separated from its folder still says
    /// whether it is synthetic and where it came from.
    /// </summary>
    public static Dictionary<string, string> Metadata(DatasetManifest manifest, string table) => new()
    {
        ["claims.table"] = table,
        ["claims.synthetic"] = manifest.Provenance.Synthetic ? "true" : "false",
        ["claims.access"] = manifest.Access.ToString().ToLowerInvariant(),
        ["claims.source"] = manifest.Provenance.Source,
        ["claims.schema_hash"] = manifest.SchemaHash,
    };

    public static ParquetFileWriter Create(string path, IReadOnlyList<string> names, IReadOnlyList<ColumnBuffer> buffers, IReadOnlyDictionary<string, string> metadata) =>
        new(path, names.Select((name, i) => buffers[i].ParquetColumn(name)).ToArray(), Compression.Snappy, metadata);

    /// <summary>Appends the first <paramref name="count"/> rows of every buffer as one row group.</summary>
    public static void WriteRowGroup(ParquetFileWriter writer, IReadOnlyList<ColumnBuffer> buffers, int count)
    {
        using var rowGroup = writer.AppendRowGroup();
        foreach (var buffer in buffers)
        {
            using var column = rowGroup.NextColumn();
            buffer.WriteParquet(column, count);
        }
    }
}
