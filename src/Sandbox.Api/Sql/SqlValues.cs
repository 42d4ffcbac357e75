using System.Collections;
using System.Globalization;
using System.Numerics;

namespace Claims.Sandbox.Sql;

/// <summary>
/// DuckDB's values as JSON can carry them: HUGEINT sums as numbers while they fit a long (else text, as JSON
/// numbers past 2^53 lose digits in most readers anyway), non-finite doubles, times and intervals as text,
/// lists and structs element by element.
/// </summary>
public static class SqlValues
{
    public static object? Json(object? value) => value switch
    {
        null or DBNull => null,
        BigInteger b => b >= long.MinValue && b <= long.MaxValue ? (long)b : b.ToString(CultureInfo.InvariantCulture),
        double d when !double.IsFinite(d) => d.ToString(CultureInfo.InvariantCulture),
        float f when !float.IsFinite(f) => f.ToString(CultureInfo.InvariantCulture),
        string or bool or byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal or DateOnly or byte[] => value,
        DateTime t => t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        TimeSpan or TimeOnly or DateTimeOffset or Guid => Convert.ToString(value, CultureInfo.InvariantCulture),
        IDictionary map => map.Keys.Cast<object>().ToDictionary(k => Convert.ToString(k, CultureInfo.InvariantCulture) ?? "", k => Json(map[k])),
        IEnumerable list => list.Cast<object?>().Select(Json).ToArray(),
        _ => value.ToString(),
    };
}
