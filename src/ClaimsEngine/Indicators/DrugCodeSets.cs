using System.Text.Json.Nodes;
using Claims.Engine.Schema;

namespace Claims.Engine.Indicators;

/// <summary>
/// Sets of drug codes an indicator can name instead of listing them (<c>{"col": "code", "codeSet": "generic"}</c>),
/// read from the drug master: <c>generic</c>, its generics (後発医薬品: the generic flag 1); <c>substitutable</c>,
/// those and every brand that has a generic on the market, the generic share's denominator. A brand has one when a
/// generic shares the first nine characters of its YJ code: therapeutic class (4), route and ingredient (3),
/// dosage form (1) and strength (1), the part 一般名処方 names a drug by; only the maker's two and the check digit differ.
/// </summary>
internal static class DrugCodeSets
{
    private const int SameDrug = 9;

    public static readonly string[] Names = ["generic", "substitutable"];

    /// <summary>The codes of set <paramref name="name"/>, in the master's order.</summary>
    public static IReadOnlyList<string> Of(ClaimsSchema schema, string name)
    {
        var master = schema.Master("drugs").Table;
        var (code, yj, flag) = (master.IndexOf("code"), master.IndexOf("yj_code"), master.IndexOf("generic"));
        var generics = master.Rows.Where(r => r[flag] == "1").ToArray();
        if (name == "generic") return [.. generics.Select(r => r[code])];
        if (name != "substitutable") throw new IndicatorException($"no code set '{name}': the sets are {string.Join(", ", Names)}");
        var marketed = generics.Where(r => r[yj].Length >= SameDrug).Select(r => r[yj][..SameDrug]).ToHashSet(StringComparer.Ordinal);
        return [.. master.Rows.Where(r => r[flag] == "1" || (r[yj].Length >= SameDrug && marketed.Contains(r[yj][..SameDrug]))).Select(r => r[code])];
    }

    /// <summary>The predicate with every <c>codeSet</c> test replaced by the <c>in</c> list of its codes, as the engine reads it.</summary>
    public static JsonNode? Expand(JsonNode? where, ClaimsSchema schema)
    {
        switch (where)
        {
            case JsonObject leaf when leaf["codeSet"] is JsonValue set:
                return new JsonObject
                {
                    ["col"] = leaf["col"]?.DeepClone(),
                    ["in"] = new JsonArray([.. Of(schema, set.GetValue<string>()).Select(c => JsonValue.Create(c))]),
                };
            case JsonObject node:
                var expanded = new JsonObject();
                foreach (var (key, value) in node) expanded[key] = Expand(value, schema);
                return expanded;
            case JsonArray list:
                return new JsonArray([.. list.Select(item => Expand(item, schema))]);
            default:
                return where?.DeepClone();
        }
    }
}
