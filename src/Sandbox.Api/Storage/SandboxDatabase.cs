using Microsoft.Data.Sqlite;

namespace Claims.Sandbox.Storage;

/// <summary>
/// The service's own state in one SQLite file: users and their key hashes, projects, jobs and the audit log.
/// WAL mode so readers never wait for the writer; every table is created on first start.
/// </summary>
public sealed class SandboxDatabase
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS users (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT, role TEXT NOT NULL, created TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS api_keys (
            id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), hash TEXT NOT NULL UNIQUE, created TEXT NOT NULL, revoked TEXT);
        CREATE TABLE IF NOT EXISTS projects (
            id TEXT PRIMARY KEY, owner_id TEXT NOT NULL REFERENCES users(id), title TEXT NOT NULL, purpose TEXT NOT NULL,
            datasets TEXT NOT NULL, tables TEXT, period TEXT, status TEXT NOT NULL, created TEXT NOT NULL,
            decided_by TEXT, expires TEXT, pseudonym_key BLOB NOT NULL, budget INTEGER NOT NULL DEFAULT 20000);
        CREATE TABLE IF NOT EXISTS jobs (
            id TEXT PRIMARY KEY, kind TEXT NOT NULL, project_id TEXT, user_id TEXT NOT NULL, request TEXT NOT NULL, status TEXT NOT NULL,
            created TEXT NOT NULL, started TEXT, finished TEXT, attempts INTEGER NOT NULL DEFAULT 0, error TEXT, result_path TEXT,
            result_bytes INTEGER, result_sha256 TEXT, summary TEXT, result_expires TEXT);
        CREATE TABLE IF NOT EXISTS audit (
            seq INTEGER PRIMARY KEY, time TEXT NOT NULL, user_id TEXT, role TEXT, project_id TEXT, method TEXT NOT NULL, endpoint TEXT NOT NULL,
            status INTEGER NOT NULL, subject_hash TEXT, result_size INTEGER, suppression TEXT, elapsed_ms REAL NOT NULL,
            prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
        """;

    private readonly string _connectionString;

    public SandboxDatabase(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        using var connection = Open();
        Execute(connection, "PRAGMA journal_mode = WAL;");
        Execute(connection, Schema);
        AddMissingColumn(connection, "jobs", "result_expires", "TEXT");
        AddMissingColumn(connection, "projects", "budget", $"INTEGER NOT NULL DEFAULT {Claims.Engine.Privacy.DisclosurePolicy.DefaultBudget}");
    }

    /// <summary>A column added after the first release, for a database an earlier version created.</summary>
    private static void AddMissingColumn(SqliteConnection connection, string table, string column, string type)
    {
        var columns = Query(connection, $"SELECT name FROM pragma_table_info('{table}')", r => r.GetString(0));
        if (columns.Contains(column)) return;
        try
        {
            Execute(connection, $"ALTER TABLE {table} ADD COLUMN {column} {type}");
        }
        catch (SqliteException e) when (e.Message.Contains("duplicate column", StringComparison.OrdinalIgnoreCase))
        {
            // Another process opening the same database added it first.
        }
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;");
        return connection;
    }

    public static int Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    public static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    /// <summary>Each row of the query mapped by <paramref name="read"/>.</summary>
    public static List<T> Query<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> read, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(read(reader));
        return rows;
    }
}
