using DuckDB.NET.Data;

namespace Claims.Sandbox.Sql;

/// <summary>A result column's type as DuckDB names it (lower case), from the type id DuckDB.NET reports.</summary>
public static class SqlColumnTypes
{
    // DuckDB.NET names the C API's type ids by its own enum, and ids newer than it by number (39 and on).
    private static readonly Dictionary<string, string> s_names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UnsignedTinyInt"] = "utinyint", ["UnsignedSmallInt"] = "usmallint", ["UnsignedInteger"] = "uinteger",
        ["UnsignedBigInt"] = "ubigint", ["UnsignedHugeInt"] = "uhugeint", ["TimestampS"] = "timestamp_s",
        ["TimestampMs"] = "timestamp_ms", ["TimestampNs"] = "timestamp_ns", ["TimestampTz"] = "timestamptz", ["TimeTz"] = "timetz",
        ["VarInt"] = "bignum", ["SqlNull"] = "null", ["39"] = "time_ns", ["40"] = "geometry", ["41"] = "variant",
    };

    public static SqlColumn Of(DuckDBDataReader reader, int ordinal)
    {
        var id = reader.GetDataTypeName(ordinal);
        var type = s_names.TryGetValue(id, out var name) ? name : int.TryParse(id, out _) ? $"type {id}" : id.ToLowerInvariant();
        return new SqlColumn(reader.GetName(ordinal), type);
    }
}
