using Claims.Engine.Schema;
using DuckDB.NET.Data;

namespace Claims.Sandbox.Sql;

/// <summary>
/// The schema's enumerations and code masters as tables beside the data, so SQL can join names to codes:
/// <c>enum_&lt;name&gt;(code, ja, en)</c> for each enumeration (<c>enum_prefecture</c>, <c>enum_sex</c> …) and
/// <c>master_&lt;name&gt;</c> with the master's own columns (<c>master_diseases</c>, <c>master_drugs</c> …), typed as
/// masters.json says (decimals as DOUBLE, an empty field NULL).
/// </summary>
internal static class SqlLookups
{
    /// <summary>Written into the database's stamp, so a database built before these tables existed is built again.</summary>
    public const string Layout = "lookups-1";

    public static void Write(DuckDBConnection connection, ClaimsSchema schema)
    {
        foreach (var e in schema.Enums)
        {
            var table = $"enum_{e.Name}";
            SqlDatabaseFile.Execute(connection, $"CREATE TABLE \"{table}\" (code INTEGER, ja VARCHAR, en VARCHAR)");
            using var appender = connection.CreateAppender(table);
            foreach (var value in e.Values) appender.CreateRow().AppendValue(value.Code).AppendValue(value.Ja).AppendValue(value.En).EndRow();
        }
        foreach (var master in schema.Masters)
        {
            // Appended as text and cast once by DuckDB, which reads the masters' decimals and ISO dates as they are written.
            var staging = $"staging_{master.Name}";
            SqlDatabaseFile.Execute(connection, $"CREATE TEMP TABLE \"{staging}\" ({string.Join(", ", master.Columns.Select(c => $"\"{c.Name}\" VARCHAR"))})");
            using (var appender = connection.CreateAppender(staging))
            {
                foreach (var row in master.Table.Rows)
                {
                    var line = appender.CreateRow();
                    foreach (var value in row)
                        if (value.Length == 0) line.AppendNullValue();
                        else line.AppendValue(value);
                    line.EndRow();
                }
            }
            var columns = master.Columns.Select(c => $"CAST(\"{c.Name}\" AS {SqlType(c.Type)}) AS \"{c.Name}\"");
            SqlDatabaseFile.Execute(connection, $"CREATE TABLE \"master_{master.Name}\" AS SELECT {string.Join(", ", columns)} FROM \"{staging}\"");
            SqlDatabaseFile.Execute(connection, $"DROP TABLE \"{staging}\"");
        }
    }

    private static string SqlType(string masterType) => masterType switch
    {
        "string" => "VARCHAR",
        "integer" => "INTEGER",
        "decimal" => "DOUBLE",
        "date" => "DATE",
        _ => throw new SchemaException($"masters.json: column type '{masterType}' has no SQL type here"),
    };
}
