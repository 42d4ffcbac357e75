using System.Globalization;
using Claims.Engine.Schema;

namespace Claims.Import.Mapping;

/// <summary>
/// The basic masters the derived columns come from (a disease's ICD-10, a drug's YJ code and class) and the codes
/// they know. Read-only once built, so receipts are mapped on both cores against one copy.
/// </summary>
internal sealed class CodeMasters
{
    private readonly Dictionary<string, string?> _icd10;
    private readonly Dictionary<string, (string? Yj, short? Class)> _drugs;
    private readonly HashSet<string> _procedures, _devices;

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

    // Looked up by the span of the line, answering with the master's own string: known codes, nearly all of them,
    // then cost no allocation, and a million stored lines share the masters' few thousand strings.
    public bool TryDisease(ReadOnlySpan<char> code, out string known, out string? icd10) =>
        _icd10.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(code, out known!, out icd10);

    public bool TryDrug(ReadOnlySpan<char> code, out string known, out (string? Yj, short? Class) drug) =>
        _drugs.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(code, out known!, out drug);

    public bool TryProcedure(ReadOnlySpan<char> code, out string known) =>
        _procedures.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(code, out known!);

    public bool TryDevice(ReadOnlySpan<char> code, out string known) =>
        _devices.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(code, out known!);

    // A master keeps a row per validity period; any period will do for these lookups.
    private static IEnumerable<(string Code, string[] Row)> Keyed(MasterTable table)
    {
        var code = table.IndexOf(table.Master.KeyColumn);
        return table.Rows.GroupBy(r => r[code]).Select(g => (g.Key, g.Last()));
    }

    private static string? Blank(string value) => value.Length == 0 ? null : value;
}
