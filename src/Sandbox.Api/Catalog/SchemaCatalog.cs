using Claims.Engine.Schema;

namespace Claims.Sandbox.Catalog;

/// <summary>The JSON shape of the schema catalogue.</summary>
public sealed record SchemaCatalog(string Hash, int BlockRows, IReadOnlyList<TableEntry> Tables, IReadOnlyList<EnumEntry> Enums,
    IReadOnlyList<MasterEntry> Masters, IReadOnlyList<CheckupItem> CheckupItems)
{
    public static SchemaCatalog From(ClaimsSchema schema) => new(
        schema.Hash,
        schema.BlockRows,
        schema.Tables.Select(t => new TableEntry(t.Name, t.Description, t.PartitionColumn.Name, t.PrimaryKey.Select(c => c.Name).ToArray(), t.ParentTable,
            t.Columns.Select(c => new ColumnEntry(c.Name, c.Type.Name(), c.Nullable, c.CodeSystem, c.Unit,
                new SourceEntry(c.SourceRecord, c.SourceField), c.Description)).ToArray())).ToArray(),
        schema.Enums.Select(e => new EnumEntry(e.Name, e.Description, e.Source,
            e.Values.Select(v => new EnumValueEntry(v.Code, v.Ja, v.En)).ToArray())).ToArray(),
        schema.Masters.Select(m => new MasterEntry(m.Name, m.Source, m.KeyColumn, m.Rows,
            m.Columns.Select(c => new MasterColumnEntry(c.Name, c.Type, c.Description)).ToArray())).ToArray(),
        schema.CheckupItems);
}

public sealed record TableEntry(string Name, Text Description, string PartitionColumn, IReadOnlyList<string> PrimaryKey, string? Parent,
    IReadOnlyList<ColumnEntry> Columns);

public sealed record ColumnEntry(string Name, string Type, bool Nullable, string? CodeSystem, string? Unit, SourceEntry Source, Text Description);

public sealed record SourceEntry(string Record, string? Field);

public sealed record EnumEntry(string Name, Text Description, string? Source, IReadOnlyList<EnumValueEntry> Values);

public sealed record EnumValueEntry(int Code, string Ja, string En);

public sealed record MasterEntry(string Name, string Source, string KeyColumn, int Rows, IReadOnlyList<MasterColumnEntry> Columns);

public sealed record MasterColumnEntry(string Name, string Type, Text Description);
