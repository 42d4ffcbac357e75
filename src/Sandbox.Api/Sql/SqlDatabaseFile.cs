using Claims.Engine;
using Claims.Engine.Storage;
using Claims.Sandbox.Hosting;
using DuckDB.NET.Data;

namespace Claims.Sandbox.Sql;

/// <summary>
/// The DuckDB copy of a dataset that SQL is served from: every table exported to Parquet and loaded as a native
/// table, with the schema's enumerations and masters beside them (<see cref="SqlLookups"/>). Rebuilt only when the
/// dataset or the lookups' layout changed (its generation, schema hash, creation time and the layout are kept in a
/// stamp file beside it), into a temporary file renamed into place, so a crash never leaves a half-built database in use.
/// </summary>
public static class SqlDatabaseFile
{
    public static void Ensure(string path, Dataset dataset, ILogger logger)
    {
        var stampPath = path + ".source";
        var stamp = $"{dataset.Manifest.Generation} {dataset.Manifest.SchemaHash} {dataset.Manifest.CreatedAt:O} {SqlLookups.Layout}";
        if (File.Exists(path) && File.Exists(stampPath) && File.ReadAllText(stampPath) == stamp) return;

        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        File.Delete(stampPath);
        var temp = path + ".tmp";
        var export = Path.Combine(folder, "export.tmp");
        Remove(temp, temp + ".wal", export);
        try
        {
            var rows = dataset.Manifest.Tables.Sum(t => t.RowCount);
            var whole = StartStep.Begin(logger, "SQL copy", $"{rows:N0} rows of the synthetic dataset into {path}");
            var files = Export(dataset, export, rows, logger);
            using (var connection = new DuckDBConnection($"DataSource={temp}"))
            {
                connection.Open();
                Load(connection, files, rows, logger);
                var lookups = StartStep.Begin(logger, "SQL lookups", $"{dataset.Schema.Enums.Count} enumerations, {dataset.Schema.Masters.Count} masters");
                SqlLookups.Write(connection, dataset.Schema);
                lookups.End();
                var checkpoint = StartStep.Begin(logger, "SQL checkpoint", "writing the database file");
                Execute(connection, "CHECKPOINT");
                checkpoint.End($"{new FileInfo(temp).Length / 1e6:N0} MB");
            }
            File.Move(temp, path, overwrite: true);
            File.WriteAllText(stampPath + ".tmp", stamp);
            File.Move(stampPath + ".tmp", stampPath, overwrite: true);
            whole.End($"built from dataset generation {dataset.Manifest.Generation}");
        }
        finally
        {
            Remove(temp, temp + ".wal", export);
        }
    }

    private static IReadOnlyList<ExportedFile> Export(Dataset dataset, string folder, long rows, ILogger logger)
    {
        var step = StartStep.Begin(logger, "SQL export", $"{dataset.Tables.Count} tables to Parquet in {folder}");
        long done = 0;
        var files = ParquetExport.Write(dataset, folder, new InlineProgress<ExportedFile>(file =>
        {
            done += file.Rows;
            step.Report($"{file.Table}, {done:N0} of {rows:N0} rows ({100.0 * done / Math.Max(1, rows):F0}%), {step.Rate(done)}");
        }));
        step.End($"{files.Count} files, {step.Rate(rows)}");
        return files;
    }

    /// <summary>
    /// Each table loaded a few files per statement, in the order written (what a glob of the table's files reads), so
    /// the load reports as it goes. A file is one row group here, and DuckDB reads a statement's row groups in
    /// parallel: a statement gets two files per core, or it would run on one.
    /// </summary>
    private static void Load(DuckDBConnection connection, IReadOnlyList<ExportedFile> files, long rows, ILogger logger)
    {
        var tables = files.GroupBy(f => f.Table).Select(t => t.Chunk(2 * Environment.ProcessorCount).ToArray()).ToArray();
        var step = StartStep.Begin(logger, "SQL load", $"{tables.Length} tables into DuckDB");
        long done = 0;
        for (var t = 0; t < tables.Length; t++)
        {
            var name = tables[t][0][0].Table;
            for (var g = 0; g < tables[t].Length; g++)
            {
                var read = $"SELECT * FROM read_parquet([{string.Join(", ", tables[t][g].Select(f => $"'{f.Path.Replace("'", "''")}'"))}])";
                Execute(connection, g == 0 ? $"CREATE TABLE \"{name}\" AS {read}" : $"INSERT INTO \"{name}\" {read}");
                done += tables[t][g].Sum(f => f.Rows);
                step.Report($"{name} ({t + 1} of {tables.Length}), {done:N0} of {rows:N0} rows ({100.0 * done / Math.Max(1, rows):F0}%), {step.Rate(done)}",
                    always: g == tables[t].Length - 1);
            }
        }
        step.End(step.Rate(rows));
    }

    internal static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void Remove(params string[] paths)
    {
        foreach (var path in paths)
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else File.Delete(path);
        }
    }
}
