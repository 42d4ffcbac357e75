using Claims.Engine.Schema;

namespace Claims.Engine.Query;

/// <summary>A bound query (<see cref="QueryBinder"/>): every name resolved against the schema, every constant typed.</summary>
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

/// <summary>
/// Rows of a line-item table whose receipt, a row of <paramref name="Parent"/> in the same month, matches
/// <paramref name="Where"/>. <paramref name="Text"/> is the test as written, which keys the lines it picks, kept per
/// dataset across queries (<see cref="ParentLines"/>).
/// </summary>
public sealed record ParentPredicate(TableSchema Parent, Predicate Where, string Text) : Predicate;

/// <summary>
/// Rows whose patient, in the row's month, has rows of the same table matching <paramref name="Where"/> with at least
/// <paramref name="AtLeast"/> distinct values of <paramref name="Distinct"/> (nulls not counted), all under one value
/// of <paramref name="Per"/> where given: six drugs in a month (polypharmacy), one ingredient from two prescribers
/// (duplicate prescriptions). The rest of the query's where does not narrow what is counted. <paramref name="Text"/>
/// is the test as written, which keys the dataset's sets of it (<see cref="PatientMonths"/>) across queries.
/// </summary>
public sealed record PatientMonthPredicate(TableSchema Table, Predicate? Where, GroupKey Distinct, GroupKey? Per, int AtLeast, string Text) : Predicate;

/// <summary>
/// Rows of the month in which their patient's first row of the table matching <paramref name="Where"/> falls, over
/// every month of the dataset whatever the query's other tests: new patients (a first dialysis).
/// </summary>
public sealed record FirstEventPredicate(TableSchema Table, Predicate? Where, string Text) : Predicate;

/// <summary>Rows that are the first (in the month's row order) of their receipt's rows matching <paramref name="Where"/>: one line per receipt, as its first-listed main diagnosis.</summary>
public sealed record FirstOfReceiptPredicate(TableSchema Table, Predicate? Where) : Predicate;

/// <summary>
/// A test of one column, bound: its constants typed in the column's stored terms (integers, days and months as long,
/// floats rounded to the column's float, codes as strings, hashes as bytes), so nothing is cast while rows are read.
/// Null rows are unknown for every test but <see cref="NullTest"/>.
/// </summary>
public abstract record ColumnPredicate(ColumnSchema Column) : Predicate
{
    /// <summary>How many constants the test carries (a list's length), for the service's request limits.</summary>
    public virtual int Constants => 1;
}

/// <summary>isNull: true or false, never unknown.</summary>
internal sealed record NullTest(ColumnSchema Column, bool IsNull) : ColumnPredicate(Column)
{
    public override int Constants => 0;
}

/// <summary>Integers, dates (days), months (YYYYMM) and flags (0, 1) in [Low, High]; empty when Low &gt; High (eq, lt, le, gt, ge, between).</summary>
internal sealed record IntegerRange(ColumnSchema Column, long Low, long High) : ColumnPredicate(Column)
{
    public override int Constants => 2;
}

/// <summary>Integers, dates, months and flags in a list, or (<paramref name="Negated"/>) not in it (in, notIn, ne).</summary>
internal sealed record IntegerSet(ColumnSchema Column, IReadOnlyList<long> Values, bool Negated) : ColumnPredicate(Column)
{
    public override int Constants => Values.Count;
}

/// <summary>Floats in [Low, High], bounds already in the column's precision (an exclusive bound is the next float in).</summary>
internal sealed record FloatRange(ColumnSchema Column, float Low, float High) : ColumnPredicate(Column)
{
    public override int Constants => 2;
}

/// <summary>Floats equal to one of a list, or (<paramref name="Negated"/>) to none; constants rounded to float, so eq 5.6 finds the stored 5.6f.</summary>
internal sealed record FloatSet(ColumnSchema Column, IReadOnlyList<float> Values, bool Negated) : ColumnPredicate(Column)
{
    public override int Constants => Values.Count;
}

/// <summary>Codes or strings in a list, or (<paramref name="Negated"/>) not in it; bound to dictionary ids per partition.</summary>
internal sealed record CodeSet(ColumnSchema Column, IReadOnlyList<string> Codes, bool Negated) : ColumnPredicate(Column)
{
    public override int Constants => Codes.Count;
}

/// <summary>Codes from <paramref name="From"/> to <paramref name="To"/> inclusive, in ordinal order (between).</summary>
internal sealed record CodeRange(ColumnSchema Column, string From, string To) : ColumnPredicate(Column)
{
    public override int Constants => 2;
}

/// <summary>Codes that start with <paramref name="Prefix"/> (E11 finds E11, E110, E119…).</summary>
internal sealed record CodePrefix(ColumnSchema Column, string Prefix) : ColumnPredicate(Column);

/// <summary>Hashes equal to one of a list (32 bytes each), or (<paramref name="Negated"/>) to none.</summary>
internal sealed record HashMatch(ColumnSchema Column, IReadOnlyList<byte[]> Hashes, bool Negated) : ColumnPredicate(Column)
{
    public override int Constants => Hashes.Count;
}

/// <summary>
/// A group-by key: a column, or a band derived from one (age_band, year, fiscal_year, icd10_category, icd10_chapter, yj_ingredient); where
/// <paramref name="OfParent"/>, a column of the receipt a line-item row belongs to (<c>receipts.prefecture</c>).
/// </summary>
public sealed record GroupKey(string Name, ColumnSchema Column, Derivation Derivation, bool OfParent = false);

public enum Derivation
{
    None,
    AgeBand,
    Year,
    FiscalYear,

    /// <summary>An ICD-10 code's first three characters, its category (E11 for E119): a code, not a number.</summary>
    Icd10Category,

    /// <summary>An ICD-10 code's chapter, 1–22 (enum:icd10_chapter): a number, not a code.</summary>
    Icd10Chapter,

    /// <summary>A YJ drug code's first seven characters: its therapeutic class, route and ingredient (2149039 for 2149039F1020), a code.</summary>
    YjIngredient,
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
public sealed record Aggregate(AggregateKind Kind, ColumnSchema? Column, string Alias)
{
    /// <summary>
    /// When set, only rows where this column has a value count: the patients behind a nullable column's figures,
    /// which disclosure control takes from the same scan as the figures.
    /// </summary>
    internal ColumnSchema? WhereNotNull { get; init; }

    /// <summary>
    /// When set, only rows where this column has no value count: the patients a count of a nullable column leaves
    /// out, whose rows are the difference between it and the count of rows beside it.
    /// </summary>
    internal ColumnSchema? WhereNull { get; init; }

    /// <summary>
    /// When set on a sum or average, the state also keeps each value of this column's (each patient's) own total,
    /// from which disclosure control clips what one patient adds to the group, in the same scan as the sum.
    /// </summary>
    internal ColumnSchema? PerUnit { get; init; }

    /// <summary>
    /// A column of the receipt a line-item row belongs to (<c>receipts.total_points</c> over diagnoses), read through
    /// the line's receipt: each line selected adds its receipt's value, so a query that means each receipt once
    /// selects one line of each (<see cref="FirstOfReceiptPredicate"/>).
    /// </summary>
    public bool OfParent { get; init; }

    /// <summary>Whether it aggregates floats: its sums are doubles, where sums of integers are whole longs.</summary>
    internal bool OfFloats => Column?.Type == LogicalType.Float32;
}

public sealed record OrderKey(string Name, bool Descending);
