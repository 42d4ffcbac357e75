using System.Diagnostics;
using Claims.Engine;
using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace Claims.Sandbox.Sql;

/// <summary>
/// Read-only SQL over the synthetic dataset's DuckDB copy. One database instance for the service's life, opened
/// READ_ONLY, with file access, extension loading and installing switched off, memory and spilling capped, and the
/// configuration then locked, so no statement can write, reach the network or undo the settings (what DuckDB still
/// lets through, its own files and the settings that name paths, <see cref="SqlStatement"/> refuses). DuckDB.NET
/// shares one instance among connections to the same file in a process, so each statement opens its own connection
/// (statements run side by side) and this root connection keeps the locked instance alive.
/// </summary>
public sealed class SqlSandbox : IDisposable
{
    /// <summary>The most one response's values may hold, counted as they are read (JSON's bytes, roughly).</summary>
    public const long MaxResultBytes = 16 << 20;

    /// <summary>The most one value may hold: a larger one is refused, naming its column.</summary>
    public const long MaxValueBytes = 8 << 20;

    private readonly string _connectionString;
    private readonly DuckDBConnection _root;
    private readonly TimeProvider _time;
    private readonly string[] _paths;

    public SqlSandbox(string path, int memoryLimitMB, int spillLimitMB, TimeProvider time)
    {
        _time = time;
        _connectionString = $"DataSource={path};ACCESS_MODE=READ_ONLY";
        var database = Path.GetDirectoryName(Path.GetFullPath(path))!;
        // Error messages name the database's folder and the data folder around it (a spill file, the database file).
        _paths = [database, Path.GetDirectoryName(database) ?? database];
        _root = new DuckDBConnection(_connectionString);
        _root.Open();
        string[] lockdown =
        [
            "SET allow_community_extensions = false",
            "SET autoinstall_known_extensions = false",
            "SET autoload_known_extensions = false",
            "SET enable_external_access = false",
            $"SET memory_limit = '{memoryLimitMB}MiB'",
            $"SET max_temp_directory_size = '{spillLimitMB}MiB'",
            "SET lock_configuration = true",
        ];
        // Another host in this process (tests run several) may already hold the instance, locked: then it is
        // checked, not set again.
        if (Setting("lock_configuration") == "true")
        {
            if (Setting("enable_external_access") != "false")
                throw new InvalidOperationException("the shared DuckDB instance is locked with external access on");
            return;
        }
        foreach (var setting in lockdown)
        {
            using var command = _root.CreateCommand();
            command.CommandText = setting;
            command.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Runs one checked statement once <paramref name="lease"/> has a slot, reading at most <paramref name="maxRows"/>
    /// rows and <see cref="MaxResultBytes"/>. The time limit is the lease's deadline, waiting included: when it passes the
    /// call answers at once (a <see cref="ClaimsException"/>) and DuckDB is interrupted until the statement ends, which
    /// is when the lease is given back. DuckDB's errors are <see cref="ClaimsException"/>s without the server's paths.
    /// </summary>
    public async Task<SqlResult> Run(SqlSlots.Lease lease, string sql, int maxRows, TimeSpan timeout, CancellationToken aborted)
    {
        var stopwatch = Stopwatch.StartNew();
        // From the lease's deadline, fixed when the request was admitted or queued, not from now.
        var left = lease.Deadline - _time.GetUtcNow();
        using var deadline = new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero, _time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, aborted);
        Task<SqlResult> work;
        try
        {
            await lease.Admitted.WaitAsync(stop.Token);
            var token = stop.Token;
            // The lease goes back inside the work, so a user's next request never finds it still held after an answer.
            work = Task.Run(() =>
            {
                try
                {
                    return Execute(sql, maxRows, token, stopwatch);
                }
                finally
                {
                    lease.Dispose();
                }
            });
        }
        catch (OperationCanceledException)
        {
            lease.Dispose();
            throw TimedOut(aborted, timeout);
        }
        try
        {
            return await work.WaitAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            throw TimedOut(aborted, timeout);
        }
        catch (DuckDBException e)
        {
            throw new ClaimsException(Scrub(e.Message));
        }
    }

    private static Exception TimedOut(CancellationToken aborted, TimeSpan timeout) => aborted.IsCancellationRequested
        ? new OperationCanceledException(aborted)
        : new ClaimsException($"query exceeded {timeout.TotalSeconds:0.###} s, the limit for SQL here; narrow it or aggregate more");

    private SqlResult Execute(string sql, int maxRows, CancellationToken stop, Stopwatch stopwatch)
    {
        using var connection = new DuckDBConnection(_connectionString);
        connection.Open();
        var native = connection.NativeConnection;
        // Interrupted until the statement ends: an interrupt that comes before DuckDB starts a query is forgotten when
        // it starts, so one is not enough.
        using var interrupt = stop.Register(() => _ = KeepInterrupting(native));
        stop.ThrowIfCancellationRequested();
        if (SqlStatement.Refusal(connection, sql) is { } refusal) throw new ClaimsException(refusal);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        // Streamed, so reading stops at the caps instead of DuckDB materialising the whole result first.
        command.UseStreamingMode = true;
        using var reader = command.ExecuteReader();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(i => SqlColumnTypes.Of(reader, i)).ToArray();
        if (columns.Select(SqlValues.Refusal).FirstOrDefault(r => r is not null) is { } unsupported) throw new ClaimsException(unsupported);
        var rows = new List<object?[]>();
        var truncated = false;
        long bytes = 0;
        while (reader.Read())
        {
            stop.ThrowIfCancellationRequested();
            if (rows.Count == maxRows || bytes >= MaxResultBytes)
            {
                truncated = true;
                break;
            }
            var row = new object?[columns.Length];
            var rowBytes = 0L;
            for (var i = 0; i < row.Length; i++) row[i] = Value(reader, i, columns[i], rows.Count + 1, ref rowBytes);
            if (bytes + rowBytes > MaxResultBytes)
            {
                truncated = true;
                break;
            }
            bytes += rowBytes;
            rows.Add(row);
        }
        // An interrupted or failed stream ends like a finished one.
        stop.ThrowIfCancellationRequested();
        if (!truncated && SqlStreamErrors.Of(reader) is { } error) throw new ClaimsException(Scrub(error));
        return new SqlResult(columns, rows, truncated, Math.Round(stopwatch.Elapsed.TotalMilliseconds, 3));
    }

    private static object? Value(DuckDBDataReader reader, int ordinal, SqlColumn column, int row, ref long bytes)
    {
        try
        {
            return SqlValues.Read(reader, ordinal, column, MaxValueBytes, ref bytes);
        }
        catch (SqlValueTooLargeException e)
        {
            throw new ClaimsException($"column '{column.Name}' holds {e.Message} in row {row}; one value may hold at most {MaxValueBytes >> 20} MiB here: select part of it (e.g. left(\"{column.Name}\", 1000)) or aggregate");
        }
        catch (Exception e) when (e is InvalidCastException or InvalidOperationException or ArgumentException or OverflowException or NotSupportedException or DuckDBException)
        {
            throw new ClaimsException(SqlValues.Unsupported(column));
        }
    }

    private static async Task KeepInterrupting(DuckDBNativeConnection connection)
    {
        try
        {
            while (!connection.IsClosed)
            {
                connection.Interrupt();
                await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
            }
        }
        catch (ObjectDisposedException)
        {
            // The statement ended and its connection closed: nothing left to interrupt.
        }
    }

    private string Scrub(string message)
    {
        foreach (var path in _paths) message = message.Replace(path, "DATA", StringComparison.Ordinal);
        return message;
    }

    private string? Setting(string name)
    {
        using var command = _root.CreateCommand();
        command.CommandText = $"SELECT current_setting('{name}')::VARCHAR";
        return command.ExecuteScalar()?.ToString()?.ToLowerInvariant();
    }

    public void Dispose() => _root.Dispose();
}
