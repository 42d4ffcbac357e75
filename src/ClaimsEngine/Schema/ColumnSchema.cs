namespace Claims.Engine.Schema;

/// <summary>One column of a table as data-schemas/tables.json defines it.</summary>
public sealed record ColumnSchema(
    string Table,
    string Name,
    LogicalType Type,
    bool Nullable,
    string? CodeSystem,
    string? Unit,
    string SourceRecord,
    string? SourceField,
    Text Description)
{
    /// <summary>
    /// The column identifies a person, record or facility, or nearly does (ids, hashes, birth month): restricted data
    /// is not aggregated over it beyond counting patients or claims.
    /// </summary>
    public bool Identifying { get; init; }

    public override string ToString() => $"{Table}.{Name}";
}
