using System.Text.Json;
using DuckDB.NET.Data;

namespace Claims.Sandbox.Sql;

/// <summary>
/// The check before DuckDB runs a statement, made on DuckDB's own parse of it (<c>json_serialize_sql</c>, the
/// parser that will run it): exactly one statement, a query (SELECT, WITH, FROM, VALUES, TABLE, DESCRIBE, SHOW,
/// SUMMARIZE: the statements DuckDB can serialise; EXPLAIN, PRAGMA, SET, CALL and every write cannot), and nothing
/// in its tree that reaches a file or shows the server's paths. With external access off DuckDB still lets a
/// statement read the database's own file, its WAL and spill files (<c>read_blob</c>, <c>FROM 'x.duckdb'</c>,
/// <c>read_duckdb</c>), so table functions are allowed by name and tables must be plain names (a file replacement
/// scan needs a dot or a slash); settings and database lists name the data folder, so they are refused.
/// </summary>
public static class SqlStatement
{
    private static readonly HashSet<string> s_tableFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "range", "generate_series", "unnest", "json_each", "json_tree", "duckdb_tables", "duckdb_columns", "duckdb_views",
        "duckdb_schemas", "duckdb_types", "duckdb_constraints", "duckdb_indexes", "duckdb_functions", "duckdb_keywords",
        "pragma_table_info",
    };

    // Views and functions that show a path (the database file, the spill folder, the extension folder) or a setting.
    private static readonly HashSet<string> s_refused = new(StringComparer.OrdinalIgnoreCase)
    {
        "duckdb_databases", "pragma_database_list", "duckdb_settings", "current_setting", "getenv", "getvariable",
        "duckdb_temporary_files", "duckdb_extensions", "duckdb_secrets", "which_secret", "query", "query_table",
        "glob", "sniff_csv",
    };

    private static readonly string[] s_refusedPrefixes = ["read_", "parquet_", "pragma_", "duckdb_", "iceberg_", "delta_"];

    /// <summary>Why <paramref name="sql"/> is refused, or null when it may run; parsed on <paramref name="connection"/>.</summary>
    public static string? Refusal(DuckDBConnection connection, string? sql)
    {
        if (string.IsNullOrWhiteSpace(sql)) return "sql is required: one SELECT statement";
        // DuckDB reads the text as a C string: a NUL would end it early for the parser but not for this service.
        if (sql.Contains('\0')) return "sql holds a NUL character";
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT json_serialize_sql($1::VARCHAR)";
        command.Parameters.Add(new DuckDBParameter(sql));
        JsonDocument parse;
        try
        {
            parse = JsonDocument.Parse((string)command.ExecuteScalar()!, new JsonDocumentOptions { MaxDepth = 2048 });
        }
        catch (JsonException)
        {
            return "sql is nested too deeply";
        }
        using var _ = parse;
        var root = parse.RootElement;
        if (root.GetProperty("error").GetBoolean())
        {
            var message = root.GetProperty("error_message").GetString();
            return root.GetProperty("error_type").GetString() == "not implemented"
                ? "only queries run here (SELECT, WITH, FROM, VALUES, TABLE, DESCRIBE, SHOW, SUMMARIZE); EXPLAIN, EXPLAIN ANALYZE, PRAGMA, SET, CALL and writes do not"
                : $"sql does not parse: {message}";
        }
        var statements = root.GetProperty("statements").GetArrayLength();
        if (statements == 0) return "sql holds no statement";
        if (statements > 1) return $"sql must be a single statement; it holds {statements}";
        return Walk(root.GetProperty("statements"));
    }

    private static string? Walk(JsonElement node)
    {
        if (node.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in node.EnumerateArray())
                if (Walk(item) is { } refusal) return refusal;
            return null;
        }
        if (node.ValueKind != JsonValueKind.Object) return null;
        var refused = Text(node, "type") switch
        {
            "TABLE_FUNCTION" when Text(node.GetProperty("function"), "function_name") is var name && !s_tableFunctions.Contains(name) =>
                $"the table function {name} is not served here (only {string.Join(", ", s_tableFunctions.Order())}): SQL reads the dataset's tables, no file",
            "BASE_TABLE" or "SHOW_REF" => TableRefusal(Text(node, "table_name").Trim('"')),
            _ => null,
        };
        if (refused is not null) return refused;
        if (Text(node, "class") == "FUNCTION" && Text(node, "function_name") is var function && Refused(function) && !s_tableFunctions.Contains(function))
            return $"the function {function} is not served here: it reads files or shows the server's settings";
        foreach (var property in node.EnumerateObject())
            if (Walk(property.Value) is { } refusal) return refusal;
        return null;
    }

    private static string? TableRefusal(string table)
    {
        if (table.Length == 0) return null;
        if (!table.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            return "a table here is named by letters, digits and _ only: SQL reads the dataset's tables, no file";
        return Refused(table) && !s_tableFunctions.Contains(table) ? $"{table} is not served here: it shows the server's settings or paths" : null;
    }

    private static bool Refused(string name) =>
        s_refused.Contains(name) || s_refusedPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase));

    private static string Text(JsonElement node, string property) =>
        node.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
