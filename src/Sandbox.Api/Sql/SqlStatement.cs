namespace Claims.Sandbox.Sql;

/// <summary>
/// The first, cheap barrier before DuckDB: exactly one statement, and one that reads (SELECT, WITH, FROM, VALUES,
/// TABLE, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN). It sees past comments and quoted text, so a semicolon inside a
/// string is no second statement. The real barrier is the database: opened read-only, with file access,
/// extensions and configuration changes locked away.
/// </summary>
public static class SqlStatement
{
    private static readonly HashSet<string> s_reading = new(StringComparer.OrdinalIgnoreCase)
    {
        "select", "with", "from", "values", "table", "describe", "show", "summarize", "explain",
    };

    /// <summary>Why <paramref name="sql"/> is refused, or null when it may run.</summary>
    public static string? Refusal(string? sql)
    {
        if (string.IsNullOrWhiteSpace(sql)) return "sql is required: one SELECT statement";
        var code = Code(sql);
        if (code is null) return "sql has an unterminated string, identifier or comment";
        var end = code.TrimEnd().TrimEnd(';');
        if (end.Contains(';')) return "sql must be a single statement; remove everything after the first ';'";
        var first = FirstWord(end);
        if (first.Length == 0) return "sql holds no statement";
        // EXPLAIN ANALYZE runs the statement it explains, so it could carry anything the first word hides.
        if (first.Equals("explain", StringComparison.OrdinalIgnoreCase) && FirstWord(end.TrimStart()[first.Length..]).Equals("analyze", StringComparison.OrdinalIgnoreCase))
            return "EXPLAIN ANALYZE runs its statement; use EXPLAIN";
        return s_reading.Contains(first)
            ? null
            : $"only reading statements run here ({string.Join(", ", s_reading.Order().Select(w => w.ToUpperInvariant()))}), not {first.ToUpperInvariant()}";
    }

    /// <summary>The text with every comment and quoted part blanked out (null if one never ends).</summary>
    private static string? Code(string sql)
    {
        var code = new char[sql.Length];
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            string? close = c switch
            {
                '\'' => "'",
                '"' => "\"",
                '-' when At(sql, i, "--") => "\n",
                '/' when At(sql, i, "/*") => "*/",
                '$' when At(sql, i, "$$") => "$$",
                _ => null,
            };
            if (close is null)
            {
                code[i++] = c;
                continue;
            }
            var start = i + (close == "'" || close == "\"" ? 1 : 2);
            var stop = sql.IndexOf(close, start, StringComparison.Ordinal);
            if (stop < 0 && close != "\n") return null;
            var next = stop < 0 ? sql.Length : stop + close.Length;
            Array.Fill(code, ' ', i, next - i);
            i = next;
        }
        return new string(code);
    }

    private static bool At(string text, int index, string what) => string.CompareOrdinal(text, index, what, 0, what.Length) == 0;

    private static string FirstWord(string code)
    {
        var start = 0;
        while (start < code.Length && (char.IsWhiteSpace(code[start]) || code[start] == '(')) start++;
        var end = start;
        while (end < code.Length && char.IsLetter(code[end])) end++;
        return code[start..end];
    }
}
