using Apache.Arrow;
using Apache.Arrow.Types;
using Claims.Cli.Bench;
using Claims.Engine;

namespace Claims.Cli.Tests;

public class BenchAnswersTests
{
    private static readonly BenchQuery Unordered = new("q", "{}", "SELECT k, sum(v) FROM t GROUP BY ALL");
    private static readonly BenchQuery Ordered = new("top", "{}", "SELECT k, sum(v) AS s FROM t GROUP BY ALL ORDER BY s DESC LIMIT 2");

    private static RecordBatch Engine(params (string? Key, double? Sum)[] rows)
    {
        var keys = new StringArray.Builder();
        var sums = new DoubleArray.Builder();
        foreach (var (key, sum) in rows)
        {
            if (key is null) keys.AppendNull(); else keys.Append(key);
            if (sum is { } s) sums.Append(s); else sums.AppendNull();
        }
        var schema = new Apache.Arrow.Schema([new Field("k", StringType.Default, true), new Field("s", DoubleType.Default, true)], null);
        return new RecordBatch(schema, [keys.Build(), sums.Build()], rows.Length);
    }

    [Fact]
    public void The_same_answer_in_another_order_or_type_passes_where_the_sql_does_not_order()
    {
        // DuckDB sums integers into HUGEINT and the engine a long or a double: the same number either way.
        BenchAnswers.Check(Unordered, Engine(("E11", 3), (null, 1.5)), [[null, 1.5m], ["E11", new System.Numerics.BigInteger(3)]]);
        // Float sums added in another order differ in their last bits.
        BenchAnswers.Check(Unordered, Engine(("a", 0.1 + 0.2)), [["a", 0.3]]);
    }

    [Fact]
    public void A_different_figure_is_refused_naming_the_query_and_the_row()
    {
        var error = Assert.Throws<ClaimsException>(() => BenchAnswers.Check(Unordered, Engine(("E11", 3)), [["E11", 4L]]));
        Assert.Equal("bench: 'q': the engine and DuckDB disagree, row 0: engine (E11 | 3), DuckDB (E11 | 4)", error.Message);
    }

    [Fact]
    public void Rows_out_of_order_or_missing_are_refused_where_the_sql_orders()
    {
        var error = Assert.Throws<ClaimsException>(() => BenchAnswers.Check(Ordered, Engine(("a", 2), ("b", 1)), [["b", 1L], ["a", 2L]]));
        Assert.Contains("row 0: engine (a | 2), DuckDB (b | 1)", error.Message);
        error = Assert.Throws<ClaimsException>(() => BenchAnswers.Check(Ordered, Engine(("a", 2)), [["a", 2L], ["b", 1L]]));
        Assert.Contains("1 rows against DuckDB's 2", error.Message);
    }
}
