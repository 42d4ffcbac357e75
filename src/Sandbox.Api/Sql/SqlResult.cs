namespace Claims.Sandbox.Sql;

public sealed record SqlRequest(string? Sql);

/// <summary>A result column: its name and DuckDB type (lower case: bigint, varchar, date, hugeint …).</summary>
public sealed record SqlColumn(string Name, string Type);

/// <summary>Rows as arrays in column order; <see cref="Truncated"/> when more rows than the service returns were there.</summary>
public sealed record SqlResult(IReadOnlyList<SqlColumn> Columns, IReadOnlyList<object?[]> Rows, bool Truncated, double ElapsedMs);

/// <summary>An INTERVAL: DuckDB keeps months, days and microseconds apart, since a month has no fixed length.</summary>
public sealed record SqlInterval(int Months, int Days, long Micros);
