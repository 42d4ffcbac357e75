using System.Globalization;
using Claims.Engine.Query;

namespace Claims.Engine.Tests.Query;

/// <summary>
/// Each unit's own total of a sum, kept in the query's scan for disclosure control's clip (<see cref="Aggregate.PerUnit"/>),
/// against DuckDB grouping by the unit as well: every group's sum of the units' totals clipped to a cap, over partials
/// of random shards sent as bytes and merged, on the dense group-by, the row-by-row path (floats, dates), no keys and
/// four, patients and claims as the unit.
/// </summary>
[Collection(SmallBlockData.Name)]
public sealed class UnitTotalsTests(SmallBlockFixture data)
{
    private static readonly double[] s_caps = [1, 37, 1_000, 25_000, double.MaxValue];

    [Theory]
    [InlineData("receipts", "", "total_points", "patient_id")]
    [InlineData("receipts", "sex, prefecture", "actual_days", "patient_id")]
    [InlineData("receipts", "claim_kind, sex, prefecture, insurer_kind", "total_points", "patient_id")]
    [InlineData("receipts", "sex, admission_date", "total_points", "patient_id")]
    [InlineData("receipts", "prefecture", "actual_days", "receipt_id")]
    [InlineData("checkups", "sex", "hba1c", "patient_id")]
    [InlineData("checkups", "sex, prefecture", "sbp", "patient_id")]
    public void Each_group_s_sum_of_its_units_clipped_totals_is_what_grouping_by_the_unit_too_gives(string table, string keys, string column, string unit)
    {
        var groupBy = keys.Length == 0 ? "" : $"\"groupBy\": [{string.Join(", ", keys.Split(", ").Select(k => $"\"{k}\""))}], ";
        var parsed = QueryParser.Parse($$"""{"from": "{{table}}", {{groupBy}}"select": [{"sum": "{{column}}", "as": "s"}, {"count": "*", "as": "n"}]}""", data.Dataset.Schema);
        var query = parsed with { Select = [parsed.Select[0] with { PerUnit = parsed.From.Column(unit) }, parsed.Select[1]] };
        var random = new Random(keys.Length + column.Length);
        var partitions = data.Dataset.Table(table).Partitions;
        var shards = Enumerable.Range(0, 3).Select(s => partitions.Where((_, p) => p % 3 == s).ToList()).ToList();
        var merged = data.Dataset.Partial(query, shards[0]).ThroughBytes();
        foreach (var shard in shards.Skip(1).OrderBy(_ => random.Next())) merged.Merge(data.Dataset.Partial(query, shard).ThroughBytes());
        var result = merged.Finish();
        var keyCount = query.GroupBy.Count;
        var groups = QueryOracle.Rows(result.Batch([.. Enumerable.Range(0, result.Count)]))
            .Select((cells, r) => (Key: string.Join(" | ", cells[..keyCount]), State: result.State(r))).ToList();

        var select = keys.Length == 0 ? "" : $"{keys}, ";
        foreach (var cap in s_caps)
        {
            var limit = cap.ToString("R", CultureInfo.InvariantCulture);
            var expected = data.Rows($"""
                SELECT {select}sum(least(greatest(total, -{limit}), {limit})) FROM (
                    SELECT {select}{unit}, sum(CAST({column} AS DOUBLE)) AS total FROM {table} WHERE {column} IS NOT NULL GROUP BY ALL)
                GROUP BY ALL
                """).ToDictionary(r => Key(r[..keyCount]), r => Convert.ToDouble(r[keyCount], CultureInfo.InvariantCulture));
            var withValues = groups.Where(g => g.State.NonNull[0] > 0).ToList();
            Assert.Equal(expected.Count, withValues.Count);
            foreach (var group in withValues)
            {
                Assert.True(expected.TryGetValue(group.Key, out var sum), $"{group.Key}: not among DuckDB's groups");
                var clipped = group.State.Clipped(0, cap);
                Assert.True(Math.Abs(clipped - sum) <= 1e-9 * Math.Max(1, Math.Abs(sum)), $"{group.Key} capped at {limit}: engine {clipped}, DuckDB {sum}");
            }
        }
        // The caps bite: the smallest clips most groups, the largest none.
        Assert.Contains(groups, g => g.State.NonNull[0] > 0 && g.State.Clipped(0, s_caps[0]) != g.State.Clipped(0, double.MaxValue));
    }

    private static string Key(object?[] values) => string.Join(" | ", values.Select(QueryOracle.Canonical));
}
