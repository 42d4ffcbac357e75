using System.Security.Cryptography;
using System.Text.Json;

namespace Claims.Engine.Schema;

/// <summary>
/// The catalogue read from data-schemas/: tables and columns, enumerations and code masters. Every other part of
/// the product takes its table and column definitions from here; nothing is copied into code.
/// </summary>
public sealed class ClaimsSchema
{
    private static readonly Lazy<ClaimsSchema> s_default = new(() => Load(SchemaFiles.Embedded));

    private readonly Dictionary<string, TableSchema> _tables;
    private readonly Dictionary<string, EnumSchema> _enums;
    private readonly Dictionary<string, MasterSchema> _masters;

    private ClaimsSchema(SchemaFiles files, int blockRows, IReadOnlyList<TableSchema> tables, IReadOnlyList<EnumSchema> enums,
        IReadOnlyList<MasterSchema> masters, IReadOnlyList<CheckupItem> checkupItems, string hash)
    {
        Files = files;
        BlockRows = blockRows;
        Tables = tables;
        Enums = enums;
        Masters = masters;
        CheckupItems = checkupItems;
        Hash = hash;
        _tables = tables.ToDictionary(t => t.Name, StringComparer.Ordinal);
        _enums = enums.ToDictionary(e => e.Name, StringComparer.Ordinal);
        _masters = masters.ToDictionary(m => m.Name, StringComparer.Ordinal);
    }

    /// <summary>The schema embedded in this build, validated once on first use.</summary>
    public static ClaimsSchema Default => s_default.Value;

    /// <summary>The files the schema was read from; the generator reads its clinical model and calibration from them too.</summary>
    public SchemaFiles Files { get; }

    /// <summary>Rows per zone-map block.</summary>
    public int BlockRows { get; }
    public IReadOnlyList<TableSchema> Tables { get; }
    public IReadOnlyList<EnumSchema> Enums { get; }
    public IReadOnlyList<MasterSchema> Masters { get; }

    /// <summary>特定健診 measurements and questionnaire items, with units.</summary>
    public IReadOnlyList<CheckupItem> CheckupItems { get; }

    /// <summary>SHA-256 over every schema file, recorded in each dataset's manifest.</summary>
    public string Hash { get; }

    public TableSchema Table(string name) =>
        _tables.TryGetValue(name, out var table)
            ? table
            : throw new SchemaException($"unknown table '{name}' (tables: {string.Join(", ", _tables.Keys)})");

    public bool TryGetTable(string name, out TableSchema table) => _tables.TryGetValue(name, out table!);

    public EnumSchema Enum(string name) =>
        _enums.TryGetValue(name, out var e) ? e : throw new SchemaException($"unknown enum '{name}'");

    public MasterSchema Master(string name) =>
        _masters.TryGetValue(name, out var m) ? m : throw new SchemaException($"unknown master '{name}'");

    /// <summary>Loads and validates the schema; any invalid file or dangling reference is a <see cref="SchemaException"/>.</summary>
    public static ClaimsSchema Load(SchemaFiles files)
    {
        var problems = SchemaValidator.Validate(files);
        if (problems.Count > 0)
            throw new SchemaException("the schema files are invalid:\n  " + string.Join("\n  ", problems));

        using var tablesDoc = JsonDocument.Parse(files.ReadAllBytes("tables.json"));
        using var enumsDoc = JsonDocument.Parse(files.ReadAllBytes("enums.json"));
        using var mastersDoc = JsonDocument.Parse(files.ReadAllBytes("masters/masters.json"));
        using var checkupDoc = JsonDocument.Parse(files.ReadAllBytes("checkup-items.json"));

        var enums = enumsDoc.RootElement.GetProperty("enums").EnumerateArray().Select(ReadEnum).ToArray();
        var masters = mastersDoc.RootElement.GetProperty("masters").EnumerateArray().Select(m => ReadMaster(files, m)).ToArray();
        var tables = tablesDoc.RootElement.GetProperty("tables").EnumerateArray().Select(ReadTable).ToArray();
        var checkupItems = ReadCheckupItems(checkupDoc.RootElement);
        var schema = new ClaimsSchema(files, tablesDoc.RootElement.GetProperty("blockRows").GetInt32(), tables, enums, masters,
            checkupItems, HashOf(files));
        schema.CheckReferences();
        return schema;
    }

    private void CheckReferences()
    {
        foreach (var table in Tables)
        {
            if (table.ParentTable is { } parent && !_tables.ContainsKey(parent))
                throw new SchemaException($"table '{table.Name}': parent table '{parent}' is not defined");
            foreach (var column in table.Columns)
            {
                switch (column.CodeSystem?.Split(':', 2))
                {
                    case ["enum", var name] when !_enums.ContainsKey(name):
                        throw new SchemaException($"column {column}: code system names unknown enum '{name}'");
                    case ["checkup", var item] when !CheckupItems.Any(i => i.Column == item):
                        throw new SchemaException($"column {column}: code system names unknown checkup item '{item}'");
                    case ["master", var reference]:
                        var parts = reference.Split('.', 2);
                        if (!_masters.TryGetValue(parts[0], out var master) || !master.HasColumn(parts[1]))
                            throw new SchemaException($"column {column}: code system names unknown master column '{reference}'");
                        break;
                }
            }
        }
    }

    private static TableSchema ReadTable(JsonElement t)
    {
        var name = t.GetProperty("name").GetString()!;
        var columns = t.GetProperty("columns").EnumerateArray().Select(c => new ColumnSchema(
            name,
            c.GetProperty("name").GetString()!,
            LogicalTypes.Parse(c.GetProperty("type").GetString()!),
            c.GetProperty("nullable").GetBoolean(),
            c.GetProperty("codeSystem").GetString(),
            c.GetProperty("unit").GetString(),
            c.GetProperty("source").GetProperty("record").GetString()!,
            c.GetProperty("source").GetProperty("field").GetString(),
            Text.Read(c.GetProperty("description")))
        {
            Identifying = c.TryGetProperty("identifying", out var identifying) && identifying.GetBoolean(),
        }).ToArray();
        var primaryKey = t.GetProperty("primaryKey") is { ValueKind: JsonValueKind.Array } pk
            ? pk.EnumerateArray().Select(k => k.GetString()!).ToArray()
            : [];
        var parent = t.GetProperty("parent");
        return new TableSchema(name, Text.Read(t.GetProperty("description")), columns,
            t.GetProperty("partitionColumn").GetString()!, primaryKey,
            parent.ValueKind == JsonValueKind.Object ? parent.GetProperty("table").GetString() : null,
            parent.ValueKind == JsonValueKind.Object ? parent.GetProperty("column").GetString() : null);
    }

    private static EnumSchema ReadEnum(JsonElement e)
    {
        var name = e.GetProperty("name").GetString()!;
        var attributeNames = e.TryGetProperty("attributes", out var attrs)
            ? attrs.EnumerateArray().Select(a => a.GetProperty("name").GetString()!).ToArray()
            : [];
        var values = e.GetProperty("values").EnumerateArray().Select(v =>
        {
            var attributes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var attribute in attributeNames)
            {
                if (!v.TryGetProperty(attribute, out var value))
                    throw new SchemaException($"enum '{name}': value {v.GetProperty("code")} lacks attribute '{attribute}'");
                attributes[attribute] = value.Clone();
            }
            return new EnumValue(v.GetProperty("code").GetInt32(), v.GetProperty("ja").GetString()!, v.GetProperty("en").GetString()!, attributes);
        }).ToArray();
        return new EnumSchema(name, Text.Read(e.GetProperty("description")),
            e.TryGetProperty("source", out var source) ? source.GetString() : null, values);
    }

    private static CheckupItem[] ReadCheckupItems(JsonElement root) =>
        root.GetProperty("items").EnumerateArray().Select(i => ReadCheckupItem(i, isQuestion: false))
            .Concat(root.GetProperty("questionnaire").EnumerateArray().Select(i => ReadCheckupItem(i, isQuestion: true)))
            .ToArray();

    private static CheckupItem ReadCheckupItem(JsonElement i, bool isQuestion) => new(
        i.GetProperty("column").GetString()!,
        i.GetProperty("ja").GetString()!,
        i.GetProperty("en").GetString()!,
        i.TryGetProperty("unit", out var unit) ? unit.GetString() : null,
        i.GetProperty("type").GetString()!,
        isQuestion);

    private static MasterSchema ReadMaster(SchemaFiles files, JsonElement m) => new(
        files,
        m.GetProperty("name").GetString()!,
        m.GetProperty("file").GetString()!,
        m.GetProperty("source").GetString()!,
        m.GetProperty("keyColumn").GetString()!,
        m.GetProperty("rows").GetInt32(),
        m.GetProperty("columns").EnumerateArray().Select(c => new MasterColumn(
            c.GetProperty("name").GetString()!, c.GetProperty("type").GetString()!, Text.Read(c.GetProperty("description")))).ToArray());

    private static string HashOf(SchemaFiles files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in files.Paths)
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(path + "\n"));
            sha.AppendData(files.ReadAllBytes(path));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
