using Claims.Engine.Schema;

namespace Claims.Engine.Query;

/// <summary>A parsed, bound query: every name resolved against the schema.</summary>
public sealed record QueryModel(
    TableSchema From,
    Predicate? Where,
    IReadOnlyList<GroupKey> GroupBy,
    IReadOnlyList<Aggregate> Select,
    IReadOnlyList<OrderKey> OrderBy,
    int? Limit);

/// <summary>A node of the where tree.</summary>
public abstract record Predicate;

public sealed record AndPredicate(IReadOnlyList<Predicate> Terms) : Predicate;

public sealed record OrPredicate(IReadOnlyList<Predicate> Terms) : Predicate;

public sealed record NotPredicate(Predicate Term) : Predicate;

/// <summary>Rows of the query's table that have a row in <paramref name="Child"/> (same receipt) matching <paramref name="Where"/>.</summary>
public sealed record ExistsPredicate(TableSchema Child, Predicate? Where) : Predicate;

public enum CompareOp
{
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Between,
    In,
    NotIn,
    Prefix,
    IsNull,
}

/// <summary>
/// A comparison of one column with constants. Numbers are held as double and long (exact for every integer type
/// we store); strings for code columns; <see cref="IsNull"/> carries its flag in <see cref="Flag"/>.
/// </summary>
public sealed record ColumnPredicate(ColumnSchema Column, CompareOp Op, IReadOnlyList<object> Values, bool Flag) : Predicate;

/// <summary>A group-by key: a column, or a band derived from one (age_band, year, fiscal_year).</summary>
public sealed record GroupKey(string Name, ColumnSchema Column, Derivation Derivation);

public enum Derivation
{
    None,
    AgeBand,
    Year,
    FiscalYear,
}

public enum AggregateKind
{
    Count,
    Sum,
    Avg,
    Min,
    Max,
    CountDistinct,
}

/// <summary>An aggregate; <see cref="Column"/> is null for count(*).</summary>
public sealed record Aggregate(AggregateKind Kind, ColumnSchema? Column, string Alias);

public sealed record OrderKey(string Name, bool Descending);
