using System.Diagnostics;
using Claims.Engine;
using DuckDB.NET.Data;

namespace Claims.Sandbox.Sql;

/// <summary>
/// Read-only SQL over the synthetic dataset's DuckDB copy. One database instance for the service's life, opened
/// READ_ONLY, with file access, extension loading and installing switched off and the configuration then locked,
/// so no statement can reach a file, another database or the network, or undo the settings. DuckDB.NET shares one
/// instance among connections to the same file in a process, so each request opens its own connection (requests
/// run side by side) and this root connection keeps the locked instance alive.
/// </summary>
public sealed class SqlSandbox : IDisposable
{
    private static readonly string[] s_lockdown =
    [
        "SET allow_community_extensions = false",
        "SET autoinstall_known_extensions = false",
        "SET autoload_known_extensions = false",
        "SET enable_external_access = false",
        "SET memory_limit = '1GB'",
        "SET max_temp_directory_size = '1GB'",
        "SET lock_configuration = true",
    ];

    /// <summary>The most a result may hold, roughly (strings by their characters, other values as 8 bytes): a few
    /// huge strings fit the row limit and would still fill memory.</summary>
    public const long MaxResultBytes = 16 << 20;

    private readonly string _connectionString;
    private readonly DuckDBConnection _root;

    // Statements at once: each can use the 1 GB memory limit, so the service bounds how many hold it.
    private readonly SemaphoreSlim _running = new(Math.Max(2, Environment.ProcessorCount));

    public SqlSandbox(string path)
    {
        _connectionString = $"DataSource={path};ACCESS_MODE=READ_ONLY";
        _root = new DuckDBConnection(_connectionString);
        _root.Open();
        // Another host in this process (tests run several) may already hold the instance, locked: then it is
        // checked, not set again.
        if (Setting("lock_configuration") == "true")
        {
            if (Setting("enable_external_access") != "false")
                throw new InvalidOperationException("the shared DuckDB instance is locked with external access on");
            return;
        }
        foreach (var setting in s_lockdown)
        {
            using var command = _root.CreateCommand();
            command.CommandText = setting;
            command.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Runs one checked statement, reading at most <paramref name="maxRows"/> rows. Past <paramref name="timeout"/>
    /// DuckDB is interrupted and the query is a <see cref="ClaimsException"/>, as is any error DuckDB reports.
    /// </summary>
    public async Task<SqlResult> Run(string sql, int maxRows, TimeSpan timeout, CancellationToken aborted)
    {
        if (SqlStatement.Refusal(sql) is { } refusal) throw new ClaimsException(refusal);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        limit.CancelAfter(timeout);
        var stopwatch = Stopwatch.StartNew();
        var entered = false;
        try
        {
            await _running.WaitAsync(limit.Token);
            entered = true;
            await using var connection = new DuckDBConnection(_connectionString);
            await connection.OpenAsync(limit.Token);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync(limit.Token);
            var columns = Enumerable.Range(0, reader.FieldCount).Select(i => new SqlColumn(reader.GetName(i), reader.GetDataTypeName(i).ToLowerInvariant())).ToArray();
            var rows = new List<object?[]>();
            var truncated = false;
            long bytes = 0;
            while (await reader.ReadAsync(limit.Token))
            {
                if (rows.Count == maxRows || bytes > MaxResultBytes)
                {
                    truncated = true;
                    break;
                }
                var row = new object?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = SqlValues.Json(reader.GetValue(i));
                    bytes += row[i] is string text ? 2L * text.Length : 8;
                }
                rows.Add(row);
            }
            return new SqlResult(columns, rows, truncated, Math.Round(stopwatch.Elapsed.TotalMilliseconds, 3));
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            throw new ClaimsException($"query exceeded {timeout.TotalSeconds:0.###} s, the limit for SQL here; narrow it or aggregate more");
        }
        catch (DuckDBException e)
        {
            throw new ClaimsException(e.Message);
        }
        finally
        {
            if (entered) _running.Release();
        }
    }

    private string? Setting(string name)
    {
        using var command = _root.CreateCommand();
        command.CommandText = $"SELECT current_setting('{name}')::VARCHAR";
        return command.ExecuteScalar()?.ToString()?.ToLowerInvariant();
    }

    public void Dispose()
    {
        _root.Dispose();
        _running.Dispose();
    }
}
