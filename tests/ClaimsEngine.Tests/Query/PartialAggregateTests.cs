using Claims.Engine.Query;
using Claims.Engine.Storage;

namespace Claims.Engine.Tests.Query;

/// <summary>
/// Partial aggregates as a cluster will use them: each shard's scan written to bytes and read back elsewhere, merged
/// in any order and grouping, finishing to what DuckDB gives over all the rows.
/// </summary>
[Collection(SmallBlockData.Name)]
public sealed class PartialAggregateTests(SmallBlockFixture data)
{
    private const string Grouped =
        """{"from": "receipts", "groupBy": ["dpc_code", "prefecture"], "select": [{"count": "*", "as": "n"}, {"countDistinct": "patient_id", "as": "p"}, {"countDistinct": "id1", "as": "h"}, {"sum": "total_points", "as": "s"}]}""";

    private QueryModel Parse(string json) => QueryParser.Parse(json, data.Dataset.Schema);

    private static PartialAggregate RoundTrip(PartialAggregate partial)
    {
        using var bytes = new MemoryStream();
        partial.WriteTo(bytes);
        bytes.Position = 0;
        return PartialAggregate.ReadFrom(bytes, partial.Query);
    }

    /// <summary>The table's partitions dealt at random into <paramref name="shards"/> shards, some of which may be empty.</summary>
    private List<DatasetPartition>[] Split(QueryModel query, int shards, Random random)
    {
        var split = Enumerable.Range(0, shards).Select(_ => new List<DatasetPartition>()).ToArray();
        foreach (var partition in data.Dataset.Table(query.From.Name).Partitions) split[random.Next(shards)].Add(partition);
        return split;
    }

    private static List<string?[]> Finished(PartialAggregate partial) =>
        QueryOracle.Rows(QueryResult.Build(partial.Query, partial.Finish().Select(g => g.Values).ToList())).ToList();

    [Fact]
    public void Partials_of_random_shards_sent_as_bytes_and_merged_in_random_order_give_what_DuckDB_gives()
    {
        var random = new Random(20261204);
        var generator = new RandomQueries(data.Dataset.Schema, data.Samples(), seed: 20261204);
        var renumbered = 0;
        for (var i = 0; i < 80; i++)
        {
            var c = generator.Next();
            var query = Parse(c.Json);
            var partials = Split(query, random.Next(1, 6), random).Select(shard => RoundTrip(data.Dataset.Partial(query, shard))).ToList();
            // Merged pairwise at random places, so the merges group every way (((a b) c) d), (a (b (c d))), ((a b) (c d)).
            while (partials.Count > 1)
            {
                var at = random.Next(partials.Count - 1);
                var (left, right) = (partials[at], partials[at + 1]);
                if (!left.Strings.Take(right.Strings.Count).SequenceEqual(right.Strings)) renumbered++;
                left.Merge(right);
                partials.RemoveAt(at + 1);
            }
            var expected = data.Rows(c.Sql).Select(r => r.Select(QueryOracle.Canonical).ToArray()).ToList();
            QueryOracle.Compare(i, c.Json, c.Sql, expected, Finished(partials[0]), c.Ordered);
        }
        Assert.True(renumbered > 20, $"only {renumbered} merges met a string table numbered differently from their own");
    }

    [Fact]
    public void Merging_is_associative_and_commutative_and_leaves_the_merged_partial_as_it_was()
    {
        var query = Parse(Grouped);
        var shards = Split(query, 3, new Random(7));
        PartialAggregate Shard(int s) => data.Dataset.Partial(query, shards[s]);

        var left = Shard(0);
        left.Merge(Shard(1));
        left.Merge(Shard(2));
        var inner = Shard(1);
        inner.Merge(Shard(2));
        var right = Shard(0);
        right.Merge(inner);
        var reversed = Shard(2);
        reversed.Merge(Shard(1));
        reversed.Merge(Shard(0));

        var whole = QueryOracle.Rows(data.Dataset.Execute(Grouped)).ToList();
        Assert.True(whole.Count > 100, $"{whole.Count} groups");
        Assert.Equal(whole, Finished(left));
        Assert.Equal(whole, Finished(right));
        Assert.Equal(whole, Finished(reversed));

        var before = Finished(Shard(1));
        var merged = Shard(1);
        var into = Shard(0);
        into.Merge(merged);
        // Merged again afterwards: groups taken over from the first must not be the first's own.
        into.Merge(Shard(2));
        Assert.Equal(before, Finished(merged));
    }

    [Fact]
    public void A_query_without_groups_over_shards_that_hold_nothing_still_has_its_row()
    {
        var query = Parse("""{"from": "receipts", "where": {"col": "age", "lt": -1}, "select": [{"count": "*", "as": "n"}, {"sum": "total_points", "as": "s"}]}""");
        var merged = data.Dataset.Partial(query, []);
        merged.Merge(RoundTrip(data.Dataset.Partial(query, null)));
        Assert.Equal([["0", null]], Finished(merged));
    }

    [Fact]
    public void A_partial_of_another_query_is_refused_naming_both()
    {
        var mine = data.Dataset.Partial(Parse(Grouped), null);
        var other = data.Dataset.Partial(Parse("""{"from": "receipts", "groupBy": ["dpc_code"], "select": [{"count": "*", "as": "n"}]}"""), null);
        var error = Assert.Throws<ClaimsException>(() => mine.Merge(other));
        Assert.Contains("receipts by [dpc_code:None] select [Count:*]", error.Message);
        Assert.Contains("receipts by [dpc_code:None, prefecture:None]", error.Message);

        using var bytes = new MemoryStream();
        other.WriteTo(bytes);
        bytes.Position = 0;
        error = Assert.Throws<ClaimsException>(() => PartialAggregate.ReadFrom(bytes, mine.Query));
        Assert.Contains("cannot read it: it is of \"receipts by [dpc_code:None] select [Count:*]\"", error.Message);
    }

    [Fact]
    public void Bytes_cut_short_or_altered_are_refused_with_the_reason_never_read_as_a_partial()
    {
        var query = Parse(Grouped);
        using var stream = new MemoryStream();
        data.Dataset.Partial(query, data.Dataset.Table("receipts").Partitions.Take(1)).WriteTo(stream);
        var bytes = stream.ToArray();

        var random = new Random(3);
        for (var i = 0; i < 200; i++)
        {
            var cut = random.Next(bytes.Length);
            var error = Assert.Throws<ClaimsException>(() => PartialAggregate.ReadFrom(new MemoryStream(bytes[..cut]), query));
            Assert.StartsWith("partial aggregate: cannot read it:", error.Message);
        }

        var version = bytes.ToArray();
        version["claims.partial".Length + 1] = 9;
        Assert.Contains("it is version 9; this build reads version 1",
            Assert.Throws<ClaimsException>(() => PartialAggregate.ReadFrom(new MemoryStream(version), query)).Message);
        Assert.Contains("it does not start as one",
            Assert.Throws<ClaimsException>(() => PartialAggregate.ReadFrom(new MemoryStream(Enumerable.Repeat((byte)5, 200).ToArray()), query)).Message);
    }

    [Fact]
    public void A_shard_of_another_tables_partitions_is_refused()
    {
        var query = Parse(Grouped);
        var error = Assert.Throws<ClaimsException>(() => data.Dataset.Partial(query, data.Dataset.Table("diagnoses").Partitions));
        Assert.Contains("receipts", error.Message);
        Assert.Contains("diagnoses", error.Message);
    }
}
