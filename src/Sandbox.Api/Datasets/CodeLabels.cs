using System.Collections.Frozen;
using System.Globalization;
using Claims.Engine.Query;
using Claims.Engine.Schema;

namespace Claims.Sandbox.Datasets;

/// <summary>The language of a result's labels: <c>?labels=ja</c> or <c>?labels=en</c>.</summary>
public enum LabelLanguage
{
    Ja,
    En,
}

/// <summary>
/// Names for the codes in a result's group columns: an enumeration's value by its Japanese or English name
/// (prefecture 13 is 東京都 or Tokyo), a master's code by its name (the masters name things in Japanese only, so
/// English asks get the Japanese name). Only columns holding a code as it is are labelled: a derived key (an age
/// band, a year, an ICD-10 category) and a code system no master keys by (ICD-10, YJ codes, DPC) are left alone.
/// The masters' names are indexed on first use (some 58,000 rows).
/// </summary>
public sealed class CodeLabels(ClaimsSchema schema)
{
    private readonly Lazy<FrozenDictionary<string, FrozenDictionary<string, string>>> _masters = new(() => schema.Masters.ToFrozenDictionary(
        m => $"master:{m.Name}.{m.KeyColumn}",
        m =>
        {
            var key = m.Table.IndexOf(m.KeyColumn);
            var name = m.Table.IndexOf("name");
            // A code listed twice (a name revised within the master's period) is named as its first row says.
            return m.Table.Rows.DistinctBy(r => r[key]).ToFrozenDictionary(r => r[key], r => r[name]);
        }));

    /// <summary>For each labelled group column of <paramref name="query"/>, the names of the codes in <paramref name="rows"/>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Of(QueryModel query, IReadOnlyList<object?[]> rows, LabelLanguage language)
    {
        var labels = new Dictionary<string, IReadOnlyDictionary<string, string>>();
        for (var k = 0; k < query.GroupBy.Count; k++)
        {
            var key = query.GroupBy[k];
            // A chapter is named by its enumeration; other derived keys (bands, categories, years) by nothing.
            var codeSystem = key.Derivation switch
            {
                Derivation.None => key.Column.CodeSystem,
                Derivation.Icd10Chapter => "enum:icd10_chapter",
                _ => null,
            };
            if (Namer(codeSystem, language) is not { } name) continue;
            var names = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var row in rows)
                if (row[k] is { } value && Convert.ToString(value, CultureInfo.InvariantCulture) is { } code && name(code) is { } label)
                    names[code] = label;
            labels[key.Name] = names;
        }
        return labels;
    }

    private Func<string, string?>? Namer(string? codeSystem, LabelLanguage language)
    {
        if (codeSystem is null) return null;
        if (codeSystem.StartsWith("enum:", StringComparison.Ordinal))
        {
            var values = schema.Enum(codeSystem["enum:".Length..]).Values
                .ToFrozenDictionary(v => v.Code.ToString(CultureInfo.InvariantCulture), v => language == LabelLanguage.En ? v.En : v.Ja);
            return code => values.GetValueOrDefault(code);
        }
        return _masters.Value.TryGetValue(codeSystem, out var master) ? code => master.GetValueOrDefault(code) : null;
    }
}
