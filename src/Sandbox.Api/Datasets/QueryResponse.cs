using System.Globalization;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Schema;

namespace Claims.Sandbox.Datasets;

/// <summary>
/// A result column: its name and its type (string, int64, double, date, bool, or id: a 64-bit id such as
/// <c>receipt_id</c>, sent as a decimal string because JavaScript and jq read JSON numbers as doubles and round
/// past 2^53).
/// </summary>
public sealed record ResultColumn(string Name, string Type);

/// <summary>
/// A query's answer: columns, then rows as arrays in column order (compact, and a JSON array keeps the order the
/// query asked for). A suppressed cell is null and listed in <see cref="Suppressed"/>, with the rules applied
/// beside; on public data both lists are empty. <see cref="Labels"/> names the codes of the group columns when the
/// caller asked (<c>?labels=ja|en</c>, <see cref="CodeLabels"/>): column → code → name.
/// </summary>
public sealed record QueryResponse(IReadOnlyList<ResultColumn> Columns, IReadOnlyList<object?[]> Rows, IReadOnlyList<SuppressedCell> Suppressed,
    IReadOnlyList<string> Rules, double ElapsedMs)
{
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? Labels { get; init; }

    public static QueryResponse From(DisclosedResult result, QueryModel query, TimeSpan elapsed)
    {
        var batch = result.Batch;
        var ids = Enumerable.Range(0, batch.ColumnCount).Select(c => c < query.GroupBy.Count && IsId(query.GroupBy[c])).ToArray();
        var rows = new object?[batch.Length][];
        for (var r = 0; r < rows.Length; r++)
        {
            rows[r] = new object?[batch.ColumnCount];
            for (var c = 0; c < batch.ColumnCount; c++)
            {
                var value = ArrowValues.Value(batch.Column(c), r);
                rows[r][c] = ids[c] && value is long id ? id.ToString(CultureInfo.InvariantCulture) : value;
            }
        }
        var columns = batch.Schema.FieldsList.Select((f, c) => new ResultColumn(f.Name, ids[c] ? "id" : ArrowValues.TypeName(f.DataType))).ToArray();
        return new QueryResponse(columns, rows, result.Suppressed, result.Rules, Math.Round(elapsed.TotalMilliseconds, 3));
    }

    /// <summary>The query's answer with its group columns' codes named, when the caller asked for names.</summary>
    public QueryResponse Labelled(QueryModel query, CodeLabels labels, LabelLanguage? language) =>
        language is { } wanted ? this with { Labels = labels.Of(query, Rows, wanted) } : this;

    private static bool IsId(GroupKey key) => key is { Derivation: Derivation.None, Column: { Identifying: true, Type: LogicalType.Int64 } };
}
