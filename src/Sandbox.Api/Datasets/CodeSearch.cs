using System.Text;
using Claims.Engine.Schema;

namespace Claims.Sandbox.Datasets;

/// <summary>
/// One code found: where it comes from (<c>master:diseases</c>, <c>enum:prefecture</c>), the code, its name and the
/// rest of its row (ICD-10, YJ code, points, price …) as text.
/// </summary>
public sealed record CodeMatch(string Source, string Code, string Name, IReadOnlyDictionary<string, string> Values);

public sealed record CodeMatches(string Text, IReadOnlyList<CodeMatch> Matches, bool Truncated);

/// <summary>
/// Finds codes by name or code across the masters (diseases by name or ICD-10, drugs by name, YJ code or 薬効分類,
/// procedures and devices by name or code) and the enumerations: a name matches when it contains the text, a code
/// when it starts with it. Both sides are NFKC-normalised and case-folded, so 2型 finds ２型 and e11 finds E11.
/// The index is built on first use: the masters hold some 58,000 rows.
/// </summary>
public sealed class CodeSearch(ClaimsSchema schema)
{
    public const int MaxLimit = 500;

    private sealed record Entry(CodeMatch Match, string Name, string[] Codes);

    private readonly Lazy<Entry[]> _entries = new(() => Index(schema));

    public CodeMatches Find(string text, int limit)
    {
        var wanted = Normalise(text.Trim());
        var found = _entries.Value
            .Where(e => e.Name.Contains(wanted, StringComparison.Ordinal) || e.Codes.Any(c => c.StartsWith(wanted, StringComparison.Ordinal)))
            .Take(limit + 1)
            .Select(e => e.Match)
            .ToList();
        var truncated = found.Count > limit;
        if (truncated) found.RemoveAt(limit);
        return new CodeMatches(text, found, truncated);
    }

    private static Entry[] Index(ClaimsSchema schema)
    {
        var entries = new List<Entry>();
        foreach (var e in schema.Enums)
        foreach (var v in e.Values)
        {
            var code = v.Code.ToString(System.Globalization.CultureInfo.InvariantCulture);
            entries.Add(new Entry(new CodeMatch($"enum:{e.Name}", code, v.Ja, new Dictionary<string, string> { ["en"] = v.En }),
                Normalise(v.Ja) + "\n" + Normalise(v.En), [code]));
        }
        foreach (var master in schema.Masters)
        {
            var table = master.Table;
            var key = table.IndexOf(master.KeyColumn);
            var name = table.IndexOf("name");
            var codes = master.Columns.Where(c => c.Type == "string" && c.Name != "name").Select(c => table.IndexOf(c.Name)).ToArray();
            foreach (var row in table.Rows)
            {
                var values = new Dictionary<string, string>();
                for (var c = 0; c < row.Length; c++)
                    if (c != key && c != name && row[c].Length > 0) values[table.Columns[c]] = row[c];
                entries.Add(new Entry(new CodeMatch($"master:{master.Name}", row[key], row[name], values), Normalise(row[name]),
                    codes.Select(c => Normalise(row[c])).Where(c => c.Length > 0).ToArray()));
            }
        }
        return entries.ToArray();
    }

    private static string Normalise(string text) => text.Normalize(NormalizationForm.FormKC).ToUpperInvariant();
}
