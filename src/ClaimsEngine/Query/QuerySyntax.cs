using System.Text.Json;

namespace Claims.Engine.Query;

/// <summary>
/// A query as written, before binding: table and column names as strings, constants as the JSON values given, each
/// node with its place in the query so the binder can name it in an error. <see cref="QueryParser"/> makes it and
/// <see cref="QueryBinder"/> turns it into a <see cref="QueryModel"/>.
/// </summary>
internal sealed record QuerySyntax(
    string From,
    PredicateSyntax? Where,
    IReadOnlyList<string> GroupBy,
    IReadOnlyList<AggregateSyntax> Select,
    IReadOnlyList<OrderKey> OrderBy,
    int? Limit);

internal abstract record PredicateSyntax(string Path);

internal sealed record AndSyntax(IReadOnlyList<PredicateSyntax> Terms, string Path) : PredicateSyntax(Path);

internal sealed record OrSyntax(IReadOnlyList<PredicateSyntax> Terms, string Path) : PredicateSyntax(Path);

internal sealed record NotSyntax(PredicateSyntax Term, string Path) : PredicateSyntax(Path);

/// <summary>exists: rows of the line-item table <paramref name="From"/> (at <paramref name="Path"/>.from) of the same receipt.</summary>
internal sealed record ExistsSyntax(string From, PredicateSyntax? Where, string Path) : PredicateSyntax(Path);

/// <summary>parent: a line-item row whose receipt (at <paramref name="Path"/>.parent) matches <paramref name="Where"/>; <paramref name="Text"/> is the test as written.</summary>
internal sealed record ParentSyntax(PredicateSyntax Where, string Text, string Path) : PredicateSyntax(Path);

/// <summary>
/// patientMonth: a row whose patient, in the row's month, has rows matching <paramref name="Where"/> with at least
/// <paramref name="AtLeast"/> distinct values of the key <paramref name="Distinct"/>, under one value of <paramref name="Per"/> when given.
/// </summary>
internal sealed record PatientMonthSyntax(PredicateSyntax? Where, string Distinct, string? Per, int AtLeast, string Text, string Path) : PredicateSyntax(Path);

/// <summary>firstEvent: a row of the month of its patient's first row matching <paramref name="Where"/>, over every month of the dataset.</summary>
internal sealed record FirstEventSyntax(PredicateSyntax? Where, string Text, string Path) : PredicateSyntax(Path);

/// <summary>firstOfReceipt: a line that is the first of its receipt's lines matching <paramref name="Where"/>.</summary>
internal sealed record FirstOfReceiptSyntax(PredicateSyntax? Where, string Path) : PredicateSyntax(Path);

/// <summary>
/// One column test, {"col": …, "&lt;op&gt;": value}: <paramref name="Value"/> is the operator's JSON value (a list for in,
/// notIn and between, already checked to be one), cloned so it outlives the parsed document.
/// </summary>
internal sealed record LeafSyntax(string Column, CompareOp Op, string OpName, JsonElement Value, string Path) : PredicateSyntax(Path)
{
    /// <summary>Where the operator's value sits, e.g. where.and[0].between.</summary>
    public string ValuePath => $"{Path}.{OpName}";
}

internal enum CompareOp
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

/// <summary>An aggregate as written: <paramref name="Argument"/> is a column name or "*".</summary>
internal sealed record AggregateSyntax(AggregateKind Kind, string KindName, string Argument, string Alias, string Path)
{
    public string ArgumentPath => $"{Path}.{KindName}";
}
