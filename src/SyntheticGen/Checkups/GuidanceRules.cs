using System.Text.Json;
using Claims.Engine.Schema;

namespace Claims.SyntheticGen.Checkups;

/// <summary>
/// The 階層化 rules of checkup-items.json (guidanceRules), evaluated as data: target ages, medication, obesity by
/// waist or BMI, the added risks, the level table and the cap for ages 65–74. The generator and the fidelity
/// report both use it, so a change to the rules changes both.
/// </summary>
public sealed class GuidanceRules
{
    private readonly JsonElement _rules;

    public GuidanceRules(ClaimsSchema schema)
    {
        using var document = JsonDocument.Parse(schema.Files.ReadAllBytes("checkup-items.json"));
        _rules = document.RootElement.GetProperty("guidanceRules").Clone();
    }

    /// <param name="value">A measurement or questionnaire answer by column name; null where it was not taken.</param>
    public sbyte Level(int age, bool male, Func<string, double?> value)
    {
        var target = _rules.GetProperty("targetAge");
        if (age < target.GetProperty("from").GetInt32() || age > target.GetProperty("to").GetInt32())
            return (sbyte)target.GetProperty("otherwiseLevel").GetInt32();
        if (_rules.GetProperty("medicationColumns").EnumerateArray().Any(c => value(c.GetString()!) is > 0))
            return (sbyte)_rules.GetProperty("medicationGivesLevel").GetInt32();
        var obesity = Obesity(male, value);
        var risks = CountRisks(value);
        var level = _rules.GetProperty("defaultLevel").GetInt32();
        foreach (var row in _rules.GetProperty("levels").EnumerateArray())
        {
            if (row.GetProperty("obesity").GetString() == obesity && risks >= row.GetProperty("minRisks").GetInt32())
            {
                level = row.GetProperty("level").GetInt32();
                break;
            }
        }
        var cap = _rules.GetProperty("ageCap");
        if (age >= cap.GetProperty("from").GetInt32() && age <= cap.GetProperty("to").GetInt32())
            level = Math.Min(level, cap.GetProperty("maxLevel").GetInt32());
        return (sbyte)level;
    }

    /// <summary>"waist", "bmi" or null, in the rules' order of precedence.</summary>
    public string? Obesity(bool male, Func<string, double?> value)
    {
        var obesity = _rules.GetProperty("obesity");
        foreach (var kind in obesity.GetProperty("precedence").EnumerateArray().Select(k => k.GetString()!))
        {
            var rule = obesity.GetProperty(kind);
            var condition = rule.TryGetProperty("sexSpecific", out var bySex) ? bySex.GetProperty(male ? "male" : "female") : rule;
            if (Meets(value(rule.GetProperty("column").GetString()!), condition)) return kind;
        }
        return null;
    }

    /// <summary>The added risks; smoking counts only beside another risk where the rules say so.</summary>
    public int CountRisks(Func<string, double?> value)
    {
        var smokingName = _rules.GetProperty("smokingRisk").GetString();
        int others = 0, smoking = 0;
        foreach (var risk in _rules.GetProperty("risks").EnumerateArray())
        {
            if (!RiskMet(risk, value)) continue;
            if (risk.GetProperty("name").GetString() == smokingName) smoking = 1;
            else others++;
        }
        var onlyWithOther = _rules.GetProperty("smokingCountsOnlyWithOtherRisk").GetBoolean();
        return others + (onlyWithOther && others == 0 ? 0 : smoking);
    }

    public bool RiskMet(string name, Func<string, double?> value) =>
        RiskMet(_rules.GetProperty("risks").EnumerateArray().Single(r => r.GetProperty("name").GetString() == name), value);

    private static bool RiskMet(JsonElement risk, Func<string, double?> value)
    {
        if (risk.TryGetProperty("anyOf", out var anyOf))
            return anyOf.EnumerateArray().Any(c => Meets(value(c.GetProperty("column").GetString()!), c));
        // firstAvailable: the first item that was measured decides.
        foreach (var c in risk.GetProperty("firstAvailable").EnumerateArray())
        {
            if (value(c.GetProperty("column").GetString()!) is { } v) return Meets(v, c);
        }
        return false;
    }

    private static bool Meets(double? value, JsonElement condition)
    {
        if (value is not { } v) return false;
        var target = condition.GetProperty("value");
        var threshold = target.ValueKind switch
        {
            JsonValueKind.True => 1,
            JsonValueKind.False => 0,
            _ => target.GetDouble(),
        };
        return condition.GetProperty("op").GetString() switch
        {
            ">=" => v >= threshold,
            ">" => v > threshold,
            "<=" => v <= threshold,
            "<" => v < threshold,
            "==" => v == threshold,
            "!=" => v != threshold,
            var op => throw new InvalidDataException($"checkup-items.json: unknown operator '{op}'"),
        };
    }
}
