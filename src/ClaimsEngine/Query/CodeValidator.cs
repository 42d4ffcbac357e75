using Claims.Engine.Sampling;
using Claims.Engine.Schema;

namespace Claims.Engine.Query;

/// <summary>
/// Checks constants against the column's code system: an enum code must exist, a master code must be in the
/// master, a prefix must start some code. A typo such as icd10 "E1l" fails with its place named instead of
/// quietly matching nothing.
/// </summary>
internal sealed class CodeValidator(ClaimsSchema schema)
{
    private readonly Dictionary<string, SortedSet<string>> _masterValues = [];

    public void CheckEnum(ColumnSchema column, long value, string path)
    {
        if (column.CodeSystem is not { } system || !system.StartsWith("enum:", StringComparison.Ordinal)) return;
        var values = schema.Enum(system[5..]);
        if (!values.Contains((int)value))
            throw new QueryException(path, $"{value} is not a code of {system} (codes: {string.Join(", ", values.Values.Take(12).Select(v => v.Code))}{(values.Values.Count > 12 ? ", …" : "")})");
    }

    /// <summary>
    /// Fee codes the generator bills from a reserved range because their masters are not bundled (dental 39999…,
    /// pharmacy 19999…; clinical.json syntheticFees): valid procedure codes although no master lists them.
    /// </summary>
    private static readonly string[] s_reservedFeeRanges = ["19999", "39999"];

    private static bool IsReservedFee(ColumnSchema column, string value) =>
        column.CodeSystem == "master:procedures.code" && s_reservedFeeRanges.Any(r => value.StartsWith(r, StringComparison.Ordinal));

    private static bool IsReservedFeePrefix(ColumnSchema column, string prefix) =>
        column.CodeSystem == "master:procedures.code" && s_reservedFeeRanges.Any(r => r.StartsWith(prefix, StringComparison.Ordinal) || prefix.StartsWith(r, StringComparison.Ordinal));

    /// <summary>The code the sampling product puts in place of a rare one: in no master, yet a value such datasets hold.</summary>
    private static bool IsMasked(string value) => value == MaskedColumn.Code;

    public void CheckCode(ColumnSchema column, string value, string path)
    {
        if (Known(column) is { } known && !known.Contains(value) && !IsReservedFee(column, value) && !IsMasked(value))
            throw new QueryException(path, $"unknown code '{value}' for {column} ({column.CodeSystem})");
    }

    public void CheckPrefix(ColumnSchema column, string prefix, string path)
    {
        if (Known(column) is not { } known || IsReservedFeePrefix(column, prefix) || MaskedColumn.Code.StartsWith(prefix, StringComparison.Ordinal)) return;
        var first = known.GetViewBetween(prefix, prefix + char.MaxValue).FirstOrDefault();
        if (first is null || !first.StartsWith(prefix, StringComparison.Ordinal))
            throw new QueryException(path, $"no code of {column.CodeSystem} starts with '{prefix}'");
    }

    /// <summary>The codes a column may hold, where its code system is a master column (icd10 means the diseases master's).</summary>
    private SortedSet<string>? Known(ColumnSchema column)
    {
        var reference = column.CodeSystem switch
        {
            "icd10" => "diseases.icd10",
            { } s when s.StartsWith("master:", StringComparison.Ordinal) => s[7..],
            _ => null,
        };
        if (reference is null) return null;
        if (_masterValues.TryGetValue(reference, out var cached)) return cached;
        var (master, field) = (reference.Split('.')[0], reference.Split('.')[1]);
        var table = schema.Master(master).Table;
        var index = table.IndexOf(field);
        var values = new SortedSet<string>(table.Rows.Select(r => r[index]).Where(v => v.Length > 0), StringComparer.Ordinal);
        // ICD-10 codes are written with or without their 4th character; a 3-character category is a valid code too.
        if (field == "icd10") values.UnionWith(values.Where(v => v.Length > 3).Select(v => v[..3]).ToArray());
        return _masterValues[reference] = values;
    }
}
