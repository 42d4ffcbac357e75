namespace Claims.Engine.Schema;

/// <summary>Column types as data-schemas/tables.json names them.</summary>
public enum LogicalType
{
    Bool,
    Int8,
    Int16,
    Int32,
    Int64,
    Float32,
    /// <summary>Days since 1970-01-01, stored as int32.</summary>
    Date,
    /// <summary>YYYYMM, stored as int32 so that month ranges are integer ranges.</summary>
    Month,
    /// <summary>A code from a code system; dictionary-encoded so a prefix is a contiguous id range.</summary>
    Code,
    /// <summary>Free text; dictionary-encoded like codes.</summary>
    String,
    /// <summary>A 256-bit hash (id1, id2, id5), stored as 32 raw bytes and shown as 64 hex digits.</summary>
    Hash,
}

public static class LogicalTypes
{
    public static LogicalType Parse(string name) => name switch
    {
        "bool" => LogicalType.Bool,
        "int8" => LogicalType.Int8,
        "int16" => LogicalType.Int16,
        "int32" => LogicalType.Int32,
        "int64" => LogicalType.Int64,
        "float32" => LogicalType.Float32,
        "date" => LogicalType.Date,
        "month" => LogicalType.Month,
        "code" => LogicalType.Code,
        "string" => LogicalType.String,
        "hash" => LogicalType.Hash,
        _ => throw new SchemaException($"unknown column type '{name}'"),
    };

    public static string Name(this LogicalType type) => type switch
    {
        LogicalType.Bool => "bool",
        LogicalType.Int8 => "int8",
        LogicalType.Int16 => "int16",
        LogicalType.Int32 => "int32",
        LogicalType.Int64 => "int64",
        LogicalType.Float32 => "float32",
        LogicalType.Date => "date",
        LogicalType.Month => "month",
        LogicalType.Code => "code",
        LogicalType.String => "string",
        LogicalType.Hash => "hash",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>Bytes per row in the column file.</summary>
    public static int Width(this LogicalType type) => type switch
    {
        LogicalType.Bool or LogicalType.Int8 => 1,
        LogicalType.Int16 => 2,
        LogicalType.Int32 or LogicalType.Float32 or LogicalType.Date or LogicalType.Month
            or LogicalType.Code or LogicalType.String => 4,
        LogicalType.Int64 => 8,
        LogicalType.Hash => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static bool IsDictionary(this LogicalType type) => type is LogicalType.Code or LogicalType.String;

    /// <summary>The CLR element type of the stored values (dictionary ids for code and string; bytes for hashes).</summary>
    public static Type StorageType(this LogicalType type) => type switch
    {
        LogicalType.Bool => typeof(bool),
        LogicalType.Int8 => typeof(sbyte),
        LogicalType.Int16 => typeof(short),
        LogicalType.Int32 or LogicalType.Date or LogicalType.Month or LogicalType.Code or LogicalType.String => typeof(int),
        LogicalType.Int64 => typeof(long),
        LogicalType.Float32 => typeof(float),
        LogicalType.Hash => typeof(byte),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
