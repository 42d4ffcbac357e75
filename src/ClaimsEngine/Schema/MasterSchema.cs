using nietras.SeparatedValues;

namespace Claims.Engine.Schema;

public sealed record MasterColumn(string Name, string Type, Text Description);

/// <summary>
/// A code master (diseases, procedures, drugs, devices) kept as UTF-8 CSV in data-schemas/masters and described by
/// masters.json. Rows are read on first use: most callers only need the catalogue.
/// </summary>
public sealed class MasterSchema
{
    private readonly SchemaFiles _files;
    private readonly Lazy<MasterTable> _table;

    internal MasterSchema(SchemaFiles files, string name, string file, string source, string keyColumn, int rows,
        IReadOnlyList<MasterColumn> columns)
    {
        _files = files;
        Name = name;
        File = file;
        Source = source;
        KeyColumn = keyColumn;
        Rows = rows;
        Columns = columns;
        if (!columns.Any(c => c.Name == keyColumn))
            throw new SchemaException($"master '{name}': key column '{keyColumn}' is not among its columns");
        _table = new Lazy<MasterTable>(Read);
    }

    public string Name { get; }
    public string File { get; }
    public string Source { get; }
    public string KeyColumn { get; }
    public int Rows { get; }
    public IReadOnlyList<MasterColumn> Columns { get; }

    public bool HasColumn(string name) => Columns.Any(c => c.Name == name);

    public MasterTable Table => _table.Value;

    private MasterTable Read()
    {
        using var stream = _files.Open("masters/" + File);
        using var reader = Sep.Reader(o => o with { Unescape = true }).From(stream);
        var header = reader.Header.ColNames.ToArray();
        var expected = Columns.Select(c => c.Name).ToArray();
        if (!header.SequenceEqual(expected))
            throw new SchemaException(
                $"masters/{File}: header [{string.Join(",", header)}] differs from masters.json [{string.Join(",", expected)}]");
        var rows = new List<string[]>(Rows);
        foreach (var row in reader)
        {
            var values = new string[header.Length];
            for (var i = 0; i < values.Length; i++) values[i] = row[i].ToString();
            rows.Add(values);
        }
        return new MasterTable(this, header, rows);
    }
}

/// <summary>The rows of a master, as text, in file order (sorted by code).</summary>
public sealed class MasterTable(MasterSchema master, IReadOnlyList<string> columns, IReadOnlyList<string[]> rows)
{
    public MasterSchema Master { get; } = master;
    public IReadOnlyList<string> Columns { get; } = columns;
    public IReadOnlyList<string[]> Rows { get; } = rows;

    public int IndexOf(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
            if (Columns[i] == column) return i;
        throw new SchemaException($"master '{Master.Name}' has no column '{column}'");
    }
}
