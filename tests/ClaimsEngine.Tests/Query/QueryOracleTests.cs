using System.Globalization;
using System.Numerics;
using Apache.Arrow;
using Claims.Engine.Query;

namespace Claims.Engine.Tests.Query;

public class QueryOracleTests(QueryFixture data) : IClassFixture<QueryFixture>
{
    private const int Queries = 500;

    [Fact]
    public void Five_hundred_random_queries_give_what_DuckDB_gives_on_the_Parquet_export()
    {
        var generator = new RandomQueries(data.Dataset.Schema, data.Samples(), seed: 20261126);
        var nonEmpty = 0;
        for (var i = 0; i < Queries; i++)
        {
            var (json, sql) = generator.Next();
            RecordBatch result;
            try
            {
                result = data.Dataset.Execute(json);
            }
            catch (Exception e)
            {
                Assert.Fail($"query {i} failed in the engine: {e.Message}\n{json}");
                return;
            }
            var expected = data.Rows(sql).Select(r => r.Select(Canonical).ToArray()).ToList();
            var actual = Rows(result).ToList();
            if (expected.Any(r => r[0] != "0")) nonEmpty++;
            Compare(i, json, sql, expected, actual);
        }
        Assert.True(nonEmpty > Queries / 3, $"only {nonEmpty} queries selected anything: the generator is too strict to test much");
    }

    [Fact]
    public void The_issue_query_is_accepted_as_written_and_matches_DuckDB()
    {
        const string json = """
            {"from": "receipts",
             "where": {"and": [{"col": "service_month", "between": [202304, 202403]},
                               {"col": "sex", "eq": 2},
                               {"or": [{"col": "prefecture", "in": [13, 14]}, {"not": {"col": "age", "lt": 65}}]},
                               {"exists": {"from": "diagnoses", "where": {"col": "icd10", "prefix": "E11"}}}]},
             "groupBy": ["prefecture", "age_band"],
             "select": [{"count": "*", "as": "claims"}, {"sum": "total_points", "as": "points"}, {"countDistinct": "patient_id", "as": "patients"}],
             "orderBy": [{"col": "points", "desc": true}],
             "limit": 100}
            """;
        var result = data.Dataset.Execute(json);
        Assert.Equal(["prefecture", "age_band", "claims", "points", "patients"], result.Schema.FieldsList.Select(f => f.Name));
        var expected = data.Rows("""
            SELECT prefecture, (age // 5) * 5, count(*), sum(total_points), count(DISTINCT patient_id)
            FROM receipts r
            WHERE service_month BETWEEN 202304 AND 202403 AND sex = 2 AND (prefecture IN (13, 14) OR NOT (age < 65))
              AND EXISTS (SELECT 1 FROM diagnoses d WHERE d.receipt_id = r.receipt_id AND starts_with(d.icd10, 'E11'))
            GROUP BY ALL ORDER BY 4 DESC, 1, 2 LIMIT 100
            """).Select(r => r.Select(Canonical).ToArray()).ToList();
        Assert.True(expected.Count > 5);
        Assert.Equal(expected, Rows(result).ToList());
    }

    private static void Compare(int index, string json, string sql, List<string?[]> expected, List<string?[]> actual)
    {
        var comparer = Comparer<string?[]>.Create((x, y) => string.CompareOrdinal(string.Join("|", x), string.Join("|", y)));
        expected.Sort(comparer);
        actual.Sort(comparer);
        var message = $"query {index}:\n{json}\n{sql}";
        Assert.True(expected.Count == actual.Count, $"{message}\nDuckDB gave {expected.Count} rows, the engine {actual.Count}");
        for (var r = 0; r < expected.Count; r++)
        {
            for (var c = 0; c < expected[r].Length; c++)
            {
                if (!Same(expected[r][c], actual[r][c]))
                    Assert.Fail($"{message}\nrow {r} column {c}: DuckDB {expected[r][c] ?? "NULL"}, engine {actual[r][c] ?? "NULL"}");
            }
        }
    }

    /// <summary>Equal text, or numbers equal to a relative 1e-9 (sums of floats depend on the order of addition).</summary>
    private static bool Same(string? x, string? y)
    {
        if (x == y) return true;
        if (x is null || y is null) return false;
        return double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
               && double.TryParse(y, NumberStyles.Float, CultureInfo.InvariantCulture, out var b)
               && Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));
    }

    private static IEnumerable<string?[]> Rows(RecordBatch batch)
    {
        for (var r = 0; r < batch.Length; r++)
        {
            yield return Enumerable.Range(0, batch.ColumnCount).Select(c => Canonical(batch.Column(c) switch
            {
                var a when a.IsNull(r) => null,
                StringArray s => s.GetString(r),
                DoubleArray d => d.GetValue(r),
                Int64Array i => i.GetValue(r),
                Date32Array date => date.GetDateOnly(r),
                BooleanArray b => b.GetValue(r),
                var a => throw new InvalidOperationException(a.GetType().Name),
            })).ToArray();
        }
    }

    /// <summary>One text form for both engines: integers exact, reals round-trip, dates ISO, booleans true/false.</summary>
    private static string? Canonical(object? value) => QueryFixture.Normalise(value) switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e15 => ((long)d).ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => ((double)f).ToString("R", CultureInfo.InvariantCulture),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        BigInteger i => i.ToString(CultureInfo.InvariantCulture),
        var v => Convert.ToInt64(v, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
    };
}
