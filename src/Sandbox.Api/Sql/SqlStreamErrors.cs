using System.Reflection;
using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace Claims.Sandbox.Sql;

/// <summary>
/// The error that ended a streamed result. DuckDB.NET's reader treats a chunk that failed to arrive (out of memory,
/// a cast that fails on a later row) as the end of the rows, so without this a failure would read as a complete
/// answer; DuckDB keeps the error on the result, which the reader holds in a private field.
/// </summary>
public static class SqlStreamErrors
{
    private static readonly FieldInfo s_result = typeof(DuckDBDataReader).GetField("currentResult", BindingFlags.NonPublic | BindingFlags.Instance)
        ?? throw new InvalidOperationException("DuckDB.NET's reader no longer keeps its result in currentResult; SQL cannot tell a failed stream from a finished one");

    public static string? Of(DuckDBDataReader reader)
    {
        var result = (DuckDBResult)s_result.GetValue(reader)!;
        var error = NativeMethods.Query.DuckDBResultError(ref result);
        return string.IsNullOrEmpty(error) ? null : error;
    }
}
