namespace Claims.Engine.Schema;

/// <summary>A table: its columns, the month column it is partitioned by, and its parent table if it is a line-item table.</summary>
public sealed class TableSchema
{
    private readonly Dictionary<string, int> _index;

    internal TableSchema(string name, Text description, IReadOnlyList<ColumnSchema> columns, string partitionColumn,
        IReadOnlyList<string> primaryKey, string? parentTable, string? parentColumn)
    {
        Name = name;
        Description = description;
        Columns = columns;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            if (!_index.TryAdd(columns[i].Name, i))
                throw new SchemaException($"table '{name}' defines column '{columns[i].Name}' twice");
        }
        PartitionColumn = Column(partitionColumn);
        if (PartitionColumn.Type != LogicalType.Month || PartitionColumn.Nullable)
            throw new SchemaException($"table '{name}': partition column '{partitionColumn}' must be a non-null month");
        PrimaryKey = primaryKey.Select(Column).ToArray();
        ParentTable = parentTable;
        ParentColumn = parentColumn is null ? null : Column(parentColumn);
    }

    public string Name { get; }
    public Text Description { get; }
    public IReadOnlyList<ColumnSchema> Columns { get; }
    public ColumnSchema PartitionColumn { get; }
    public IReadOnlyList<ColumnSchema> PrimaryKey { get; }

    /// <summary>For line-item tables, the table whose rows they belong to (receipts), joined on <see cref="ParentColumn"/>.</summary>
    public string? ParentTable { get; }
    public ColumnSchema? ParentColumn { get; }

    public bool TryGetColumn(string name, out ColumnSchema column)
    {
        if (_index.TryGetValue(name, out var i))
        {
            column = Columns[i];
            return true;
        }
        column = null!;
        return false;
    }

    /// <summary>The column of that name, or a <see cref="SchemaException"/> that names the table, the column and the columns it has.</summary>
    public ColumnSchema Column(string name) =>
        TryGetColumn(name, out var column)
            ? column
            : throw new SchemaException(
                $"table '{Name}' has no column '{name}' (columns: {string.Join(", ", Columns.Select(c => c.Name))})");

    public int IndexOf(string name) => _index.TryGetValue(name, out var i) ? i : _index[Column(name).Name];

    public override string ToString() => Name;
}
