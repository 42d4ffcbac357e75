using System.Text.Json;

namespace Claims.Engine.Schema;

/// <summary>One value of an enumeration, with its declared extra attributes (e.g. a prefecture's population).</summary>
public sealed record EnumValue(int Code, string Ja, string En, IReadOnlyDictionary<string, JsonElement> Attributes);

/// <summary>An enumeration from data-schemas/enums.json: claim kinds, prefectures, 診療識別, drug classes and the rest.</summary>
public sealed class EnumSchema
{
    private readonly Dictionary<int, EnumValue> _byCode;

    internal EnumSchema(string name, Text description, string? source, IReadOnlyList<EnumValue> values)
    {
        Name = name;
        Description = description;
        Source = source;
        Values = values;
        _byCode = new Dictionary<int, EnumValue>();
        foreach (var value in values)
        {
            if (!_byCode.TryAdd(value.Code, value))
                throw new SchemaException($"enum '{name}' defines code {value.Code} twice");
        }
    }

    public string Name { get; }
    public Text Description { get; }
    public string? Source { get; }
    public IReadOnlyList<EnumValue> Values { get; }

    public bool Contains(int code) => _byCode.ContainsKey(code);

    public EnumValue this[int code] =>
        _byCode.TryGetValue(code, out var value)
            ? value
            : throw new SchemaException($"enum '{Name}' has no code {code}");
}
