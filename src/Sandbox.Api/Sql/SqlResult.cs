namespace Claims.Sandbox.Sql;

public sealed record SqlRequest(string? Sql);

/// <summary>A result column: its name and DuckDB type (lower case: bigint, varchar, date, hugeint …).</summary>
public sealed record SqlColumn(string Name, string Type)
{
    /// <summary>
    /// A 64-bit integer named as an id (<c>receipt_id</c>, <c>checkup_id</c>, any <c>…_id</c>): sent as a decimal
    /// string, since JavaScript and jq read JSON numbers as doubles and round ids past 2^53.
    /// </summary>
    internal bool IsId => Type is "bigint" or "ubigint" or "hugeint" or "uhugeint" && Name.EndsWith("_id", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Rows as arrays in column order; <see cref="Truncated"/> when more rows than the service returns were there.</summary>
public sealed record SqlResult(IReadOnlyList<SqlColumn> Columns, IReadOnlyList<object?[]> Rows, bool Truncated, double ElapsedMs);

/// <summary>An INTERVAL: DuckDB keeps months, days and microseconds apart, since a month has no fixed length.</summary>
public sealed record SqlInterval(int Months, int Days, long Micros);
