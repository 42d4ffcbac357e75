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
    public override string ToString() => $"{Table}.{Name}";
}
