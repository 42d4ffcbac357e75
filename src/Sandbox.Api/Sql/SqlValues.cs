using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;
using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace Claims.Sandbox.Sql;

/// <summary>
/// DuckDB's values as JSON carries them, each counted in the bytes it adds to the response as it is read. Numbers
/// stay numbers while a reader keeps every digit (HUGEINT and DECIMAL past that come as text, and 64-bit ids always:
/// <see cref="SqlColumn.IsId"/>); NaN and infinities,
/// infinite dates and timestamps (<c>"infinity"</c>, <c>"-infinity"</c>), times and UUIDs as text; dates as
/// <c>YYYY-MM-DD</c>, timestamps as ISO 8601 (TIMESTAMPTZ in UTC with <c>Z</c>); intervals as
/// <c>{months, days, micros}</c> (no one unit holds all three); BLOBs as base64; lists, arrays, structs and maps
/// element by element. What has no faithful JSON here (UNION, GEOMETRY, VARIANT, TIME_NS, a value DuckDB.NET cannot
/// read) is refused with the column and its type, so the caller can cast it.
/// </summary>
public static class SqlValues
{
    /// <summary>Types refused before a row is read: DuckDB.NET has no reader for them.</summary>
    private static readonly HashSet<string> s_unreadable = ["union", "geometry", "variant", "time_ns"];

    private static readonly BigInteger s_decimalLimit = BigInteger.Pow(10, 28);

    /// <summary>Why <paramref name="column"/>, by its type, cannot be served, or null.</summary>
    public static string? Refusal(SqlColumn column) =>
        s_unreadable.Contains(column.Type) || column.Type.StartsWith("type ", StringComparison.Ordinal) ? Unsupported(column) : null;

    public static string Unsupported(SqlColumn column) =>
        $"column '{column.Name}' has type {column.Type.ToUpperInvariant()}, which the SQL endpoint cannot return as JSON; cast it, e.g. CAST(\"{column.Name}\" AS VARCHAR)";

    /// <summary>The value of column <paramref name="ordinal"/> in the reader's current row, adding its size to <paramref name="bytes"/>.</summary>
    public static object? Read(DuckDBDataReader reader, int ordinal, SqlColumn column, long maxValueBytes, ref long bytes)
    {
        if (reader.IsDBNull(ordinal))
        {
            bytes += 4;
            return null;
        }
        var start = bytes;
        object? value = column.Type switch
        {
            "date" => Date(reader.GetFieldValue<DuckDBDateOnly>(ordinal)),
            "timestamp" or "timestamp_s" or "timestamp_ms" or "timestamp_ns" or "timestamptz" => Timestamp(reader, ordinal, column.Type == "timestamptz"),
            "timetz" => TimeTz(reader.GetFieldValue<DuckDBTimeTz>(ordinal)),
            "interval" => Interval(reader.GetFieldValue<DuckDBInterval>(ordinal)),
            "decimal" => Decimal(reader, ordinal),
            _ when column.IsId => Convert.ToString(reader.GetValue(ordinal), CultureInfo.InvariantCulture),
            _ => null,
        };
        if (value is null) value = Json(reader.GetValue(ordinal), maxValueBytes, ref bytes);
        else bytes += value is string text ? text.Length + 2 : 48;
        return bytes - start > maxValueBytes ? throw new SqlValueTooLargeException(bytes - start) : value;
    }

    private static object? Json(object? value, long maxValueBytes, ref long bytes)
    {
        switch (value)
        {
            case null or DBNull:
                bytes += 4;
                return null;
            case string text:
                bytes += Encoding.UTF8.GetByteCount(text) + 2;
                return text;
            case Stream blob:
                // Measured before it is copied: a blob is read out of DuckDB's memory only when it fits.
                if (blob.Length > maxValueBytes) throw new SqlValueTooLargeException(blob.Length);
                var copy = new byte[blob.Length];
                blob.ReadExactly(copy);
                bytes += 4 * (copy.Length + 2) / 3 + 2;
                return copy;
            case IDictionary map:
                var entries = new Dictionary<string, object?>(map.Count);
                foreach (DictionaryEntry entry in map)
                {
                    var key = Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "";
                    bytes += Encoding.UTF8.GetByteCount(key) + 4;
                    entries[key] = Json(entry.Value, maxValueBytes, ref bytes);
                    if (bytes > maxValueBytes) throw new SqlValueTooLargeException(bytes);
                }
                return entries;
            case BitArray bits:
                bytes += bits.Length + 2;
                return string.Concat(bits.Cast<bool>().Select(b => b ? '1' : '0'));
            case IEnumerable list:
                var items = new List<object?>();
                foreach (var item in list)
                {
                    items.Add(Json(item, maxValueBytes, ref bytes));
                    bytes += 1;
                    if (bytes > maxValueBytes) throw new SqlValueTooLargeException(bytes);
                }
                return items;
        }
        bytes += 24;
        return value switch
        {
            BigInteger b => b >= long.MinValue && b <= long.MaxValue ? (long)b : b.ToString(CultureInfo.InvariantCulture),
            double d when !double.IsFinite(d) => d.ToString(CultureInfo.InvariantCulture),
            float f when !float.IsFinite(f) => f.ToString(CultureInfo.InvariantCulture),
            bool or byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal => value,
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateTime t => t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
            TimeOnly t => t.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
            TimeSpan t => new SqlInterval(0, t.Days, (t.Ticks - TimeSpan.TicksPerDay * t.Days) / TimeSpan.TicksPerMicrosecond),
            DateTimeOffset t => t.ToString("HH:mm:ss.FFFFFFzzz", CultureInfo.InvariantCulture),
            Guid g => g.ToString(),
            _ => throw new InvalidCastException($"{value.GetType().Name} has no JSON form here"),
        };
    }

    private static string Date(DuckDBDateOnly date) =>
        date.IsPositiveInfinity ? "infinity" : date.IsNegativeInfinity ? "-infinity" : $"{date.Year:0000}-{date.Month:00}-{date.Day:00}";

    private static string Timestamp(DuckDBDataReader reader, int ordinal, bool utc)
    {
        var timestamp = reader.GetFieldValue<DuckDBTimestamp>(ordinal);
        if (timestamp.IsPositiveInfinity) return "infinity";
        if (timestamp.IsNegativeInfinity) return "-infinity";
        var suffix = utc ? "Z" : "";
        // DateTime keeps 100 ns (TIMESTAMP_NS to a tenth of a microsecond); past year 9999 only DuckDB's parts do.
        if (timestamp.Date.Year is >= 1 and <= 9999)
            return reader.GetDateTime(ordinal).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture) + suffix;
        var t = timestamp.Time;
        return $"{Date(timestamp.Date)}T{t.Hour:00}:{t.Min:00}:{t.Sec:00}.{t.Microsecond:000000}{suffix}";
    }

    private static string TimeTz(DuckDBTimeTz value)
    {
        var offset = TimeSpan.FromSeconds(value.Offset);
        var t = value.Time;
        return $"{t.Hour:00}:{t.Min:00}:{t.Sec:00}.{t.Microsecond:000000}{(offset < TimeSpan.Zero ? '-' : '+')}{offset.Duration():hh\\:mm}";
    }

    private static SqlInterval Interval(DuckDBInterval value) => new(value.Months, value.Days, (long)value.Micros);

    private static object Decimal(DuckDBDataReader reader, int ordinal)
    {
        var value = reader.GetFieldValue<DuckDBDecimal>(ordinal);
        var unscaled = value.Value.ToBigInteger();
        // A System.Decimal holds 28 digits: a value with more comes as exact text rather than rounded.
        if (value.Scale <= 28 && BigInteger.Abs(unscaled) < s_decimalLimit) return reader.GetDecimal(ordinal);
        var digits = BigInteger.Abs(unscaled).ToString(CultureInfo.InvariantCulture).PadLeft(value.Scale + 1, '0');
        var sign = unscaled.Sign < 0 ? "-" : "";
        return value.Scale == 0 ? sign + digits : $"{sign}{digits[..^value.Scale]}.{digits[^value.Scale..]}";
    }
}
