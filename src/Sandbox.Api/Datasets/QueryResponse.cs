using Claims.Engine.Privacy;
using Claims.Engine.Query;

namespace Claims.Sandbox.Datasets;

/// <summary>A result column: its name and its type (string, int64, double, date, bool).</summary>
public sealed record ResultColumn(string Name, string Type);

/// <summary>
/// A query's answer: columns, then rows as arrays in column order (compact, and a JSON array keeps the order the
/// query asked for). A suppressed cell is null and listed in <see cref="Suppressed"/>, with the rules applied
/// beside; on public data both lists are empty.
/// </summary>
public sealed record QueryResponse(IReadOnlyList<ResultColumn> Columns, IReadOnlyList<object?[]> Rows, IReadOnlyList<SuppressedCell> Suppressed,
    IReadOnlyList<string> Rules, double ElapsedMs)
{
    public static QueryResponse From(DisclosedResult result, TimeSpan elapsed)
    {
        var batch = result.Batch;
        var rows = new object?[batch.Length][];
        for (var r = 0; r < rows.Length; r++)
        {
            rows[r] = new object?[batch.ColumnCount];
            for (var c = 0; c < batch.ColumnCount; c++) rows[r][c] = ArrowValues.Value(batch.Column(c), r);
        }
        return new QueryResponse(batch.Schema.FieldsList.Select(f => new ResultColumn(f.Name, ArrowValues.TypeName(f.DataType))).ToArray(), rows,
            result.Suppressed, result.Rules, Math.Round(elapsed.TotalMilliseconds, 3));
    }
}
