using System.Globalization;
using System.Numerics;
using Apache.Arrow;
using Claims.Engine;
using Claims.Engine.Query;

namespace Claims.Cli.Bench;

/// <summary>
/// The engine's answer to a suite query against DuckDB's, cell by cell: numbers to ten significant digits (sums of
/// floats differ in their last bits by the order they were added in), rows in order where the SQL orders them.
/// </summary>
public static class BenchAnswers
{
    public static void Check(BenchQuery query, RecordBatch engine, IReadOnlyList<object?[]> duckdb)
    {
        var mine = Enumerable.Range(0, engine.Length)
            .Select(r => Row(Enumerable.Range(0, engine.ColumnCount).Select(c => ArrowValues.Value(engine.Column(c), r))))
            .ToList();
        var theirs = duckdb.Select(Row).ToList();
        if (!query.Sql.Contains("ORDER BY", StringComparison.Ordinal))
        {
            mine.Sort(StringComparer.Ordinal);
            theirs.Sort(StringComparer.Ordinal);
        }
        var differs = Enumerable.Range(0, Math.Min(mine.Count, theirs.Count)).FirstOrDefault(i => mine[i] != theirs[i], -1);
        if (mine.Count == theirs.Count && differs < 0) return;
        var detail = differs >= 0 ? $"row {differs}: engine ({mine[differs]}), DuckDB ({theirs[differs]})" : $"{mine.Count} rows against DuckDB's {theirs.Count}";
        throw new ClaimsException($"bench: '{query.Name}': the engine and DuckDB disagree, {detail}");
    }

    private static string Row(IEnumerable<object?> cells) => string.Join(" | ", cells.Select(Cell));

    private static string Cell(object? value) => value switch
    {
        null => "NULL",
        double d => Number(d),
        float f => Number(f),
        decimal m => Number((double)m),
        BigInteger b => b.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "1" : "0",
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime time => DateOnly.FromDateTime(time).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Number(double value) =>
        value == Math.Round(value) && Math.Abs(value) < 1e15 ? ((long)value).ToString(CultureInfo.InvariantCulture) : value.ToString("G10", CultureInfo.InvariantCulture);
}
