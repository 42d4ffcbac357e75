using Claims.Engine.Query;

namespace Claims.Engine.Tests.Query;

/// <summary>
/// The presence filters disclosure control puts on its hidden aggregates (only rows where a column has a value, or
/// has none) give, group by group, what the same aggregate gives asked with that condition as a where clause: on the
/// whole table, on dense keys and on keys that fall back to the per-row path, across many blocks.
/// </summary>
[Collection(SmallBlockData.Name)]
public sealed class PresenceFilterTests(SmallBlockFixture data)
{
    [Theory]
    [InlineData("receipts", "admission_date", "[]")]
    [InlineData("receipts", "admission_date", """["prefecture", "sex"]""")]
    [InlineData("receipts", "admission_date", """["dpc_code"]""")]
    [InlineData("receipts", "dpc_code", """["prefecture"]""")]
    // Ids too widely spread for dense cells: the per-row path.
    [InlineData("receipts", "admission_date", """["facility_id"]""")]
    [InlineData("checkups", "fpg", """["prefecture"]""")]
    [InlineData("dpc", "discharge_date", "[]")]
    public void A_filtered_aggregate_is_the_aggregate_of_the_rows_the_filter_keeps(string table, string column, string groupBy)
    {
        var schema = data.Dataset.Schema;
        var filtered = schema.Table(table).Column(column);
        var plain = QueryParser.Parse($$"""{"from": "{{table}}", "groupBy": {{groupBy}}, "select": [{"count": "*", "as": "n"}]}""", schema);
        var patients = schema.Table(table).Column("patient_id");
        var query = plain with
        {
            Select =
            [
                .. plain.Select,
                new Aggregate(AggregateKind.CountDistinct, patients, "missing") { WhereNull = filtered },
                new Aggregate(AggregateKind.CountDistinct, patients, "present") { WhereNotNull = filtered },
                new Aggregate(AggregateKind.Count, filtered, "values") { WhereNull = filtered },
            ],
        };
        var keys = plain.GroupBy.Count;
        var groups = QueryOracle.Rows(data.Dataset.Execute(query)).ToDictionary(values => Key(values, keys));
        Assert.NotEmpty(groups);

        foreach (var (isNull, index) in new[] { (true, keys + 1), (false, keys + 2) })
        {
            var truth = QueryOracle.Rows(data.Dataset.Execute(QueryParser.Parse(
                $$"""{"from": "{{table}}", "where": {"col": "{{column}}", "isNull": {{(isNull ? "true" : "false")}}}, "groupBy": {{groupBy}}, "select": [{"countDistinct": "patient_id", "as": "p"}]}""", schema)))
                .ToDictionary(values => Key(values, keys), values => long.Parse(values[keys]!));
            // Both sides must have something to compare: a filter that took every row or none would pass by accident.
            Assert.Contains(truth.Values, p => p > 0);
            foreach (var (key, values) in groups)
                Assert.Equal(truth.GetValueOrDefault(key), long.Parse(values[index]!));
        }
        // A count of a column's values over the rows where it has none is none, in every group.
        Assert.All(groups.Values, values => Assert.Equal("0", values[keys + 3]));
        Assert.Contains(groups.Values, values => long.Parse(values[keys + 1]!) > 0);
    }

    private static string Key(string?[] values, int keys) => string.Join("|", values.Take(keys));
}
