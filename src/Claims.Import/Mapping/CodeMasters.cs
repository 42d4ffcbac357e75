using System.Globalization;
using Claims.Engine.Schema;

namespace Claims.Import.Mapping;

/// <summary>
/// The basic masters the derived columns come from (a disease's ICD-10, a drug's YJ code and class), and the tally
/// of codes no master holds: a file from another fee revision can carry codes these masters lack, which are kept
/// as written and listed in the report rather than refused.
/// </summary>
internal sealed class CodeMasters
{
    private readonly Dictionary<string, string?> _icd10;
    private readonly Dictionary<string, (string? Yj, short? Class)> _drugs;
    private readonly HashSet<string> _procedures, _devices;
    private readonly Dictionary<(string Master, string Code), int> _unknown = [];

    public CodeMasters(ClaimsSchema schema)
    {
        var diseases = schema.Master("diseases").Table;
        var icd = diseases.IndexOf("icd10");
        _icd10 = Keyed(diseases).ToDictionary(r => r.Code, r => Blank(r.Row[icd]));
        var drugs = schema.Master("drugs").Table;
        int yj = drugs.IndexOf("yj_code"), drugClass = drugs.IndexOf("drug_class");
        _drugs = Keyed(drugs).ToDictionary(r => r.Code, r => (Blank(r.Row[yj]),
            short.TryParse(r.Row[drugClass], NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : (short?)null));
        _procedures = Keyed(schema.Master("procedures").Table).Select(r => r.Code).ToHashSet();
        _devices = Keyed(schema.Master("devices").Table).Select(r => r.Code).ToHashSet();
    }

    /// <summary>Codes no master holds, with how often each was seen.</summary>
    public IReadOnlyDictionary<(string Master, string Code), int> Unknown => _unknown;

    public string? Icd10(string diseaseCode) =>
        _icd10.TryGetValue(diseaseCode, out var icd) ? icd : Missing("diseases", diseaseCode);

    public (string? Yj, short? Class) Drug(string code)
    {
        if (_drugs.TryGetValue(code, out var drug)) return drug;
        Missing("drugs", code);
        return (null, null);
    }

    public void Procedure(string code)
    {
        if (!_procedures.Contains(code)) Missing("procedures", code);
    }

    public void Device(string code)
    {
        if (!_devices.Contains(code)) Missing("devices", code);
    }

    private string? Missing(string master, string code)
    {
        _unknown[(master, code)] = _unknown.GetValueOrDefault((master, code)) + 1;
        return null;
    }

    // A master keeps a row per validity period; any period will do for these lookups.
    private static IEnumerable<(string Code, string[] Row)> Keyed(MasterTable table)
    {
        var code = table.IndexOf(table.Master.KeyColumn);
        return table.Rows.GroupBy(r => r[code]).Select(g => (g.Key, g.Last()));
    }

    private static string? Blank(string value) => value.Length == 0 ? null : value;
}
