using Claims.Engine.Storage;
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
            ParquetExport.Write(dataset, export);
            using (var connection = new DuckDBConnection($"DataSource={temp}"))
            {
                connection.Open();
                foreach (var table in dataset.Tables)
                    Execute(connection, $"CREATE TABLE \"{table.Name}\" AS SELECT * FROM read_parquet('{Path.Combine(export, table.Name).Replace("'", "''")}/*.parquet')");
                SqlLookups.Write(connection, dataset.Schema);
                Execute(connection, "CHECKPOINT");
            }
            File.Move(temp, path, overwrite: true);
            File.WriteAllText(stampPath + ".tmp", stamp);
            File.Move(stampPath + ".tmp", stampPath, overwrite: true);
            logger.LogInformation("Built the SQL database {Path} from dataset generation {Generation}", path, dataset.Manifest.Generation);
        }
        finally
        {
            Remove(temp, temp + ".wal", export);
        }
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
