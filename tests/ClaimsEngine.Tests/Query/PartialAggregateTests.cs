using Claims.Engine.Query;
using Claims.Engine.Storage;

using Claims.Testing;

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

    /// <summary>The table's partitions dealt at random into <paramref name="shards"/> shards, some of which may be empty.</summary>
    private List<DatasetPartition>[] Split(QueryModel query, int shards, Random random)
    {
        var split = Enumerable.Range(0, shards).Select(_ => new List<DatasetPartition>()).ToArray();
        foreach (var partition in data.Dataset.Table(query.From.Name).Partitions) split[random.Next(shards)].Add(partition);
        return split;
    }

    private static List<string?[]> Finished(PartialAggregate partial) =>
        QueryOracle.Rows(partial.Finish().Batch()).ToList();

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
            var partials = Split(query, random.Next(1, 6), random).Select(shard => data.Dataset.Partial(query, shard).ThroughBytes()).ToList();
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
        merged.Merge(data.Dataset.Partial(query, null).ThroughBytes());
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
        Assert.Contains("it is version 9; this build reads version 2",
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

    /// <summary>Bytes as <see cref="PartialAggregate.WriteTo"/> lays them out, with whatever values a test chooses.</summary>
    private static byte[] Crafted(QueryModel query, string[] strings, params (long[] Key, Action<BinaryWriter> State)[] groups)
    {
        using var bytes = new MemoryStream();
        using (var writer = new BinaryWriter(bytes, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write("claims.partial");
            writer.Write(2);
            writer.Write(PartialAggregate.Shape(query));
            writer.Write(strings.Length);
            foreach (var text in strings) writer.Write(text);
            writer.Write(groups.Length);
            foreach (var (key, state) in groups)
            {
                foreach (var part in key) writer.Write(part);
                state(writer);
            }
        }
        return bytes.ToArray();
    }

    /// <summary>One group's state: its rows, then each aggregate's.</summary>
    private static Action<BinaryWriter> State(long rows, params Action<BinaryWriter>[] aggregates) => writer =>
    {
        writer.Write(rows);
        foreach (var aggregate in aggregates) aggregate(writer);
    };

    /// <summary>One aggregate's state: its values, no sums, the extremes given, then bits and listed distinct values, then units' totals.</summary>
    private static Action<BinaryWriter> Aggregate(long values, long min = long.MaxValue, long max = long.MinValue, ulong[]? bits = null, long[]? listed = null,
        (long Unit, double Total)[]? totals = null) => writer =>
    {
        writer.Write(values);
        writer.Write(0UL);
        writer.Write(0UL);
        writer.Write(0.0);
        writer.Write(min);
        writer.Write(max);
        writer.Write(double.PositiveInfinity);
        writer.Write(double.NegativeInfinity);
        writer.Write(bits?.Length ?? 0);
        foreach (var word in bits ?? []) writer.Write(word);
        writer.Write(listed?.Length ?? 0);
        foreach (var value in listed ?? []) writer.Write(value);
        writer.Write(totals?.Length ?? 0);
        foreach (var (unit, total) in totals ?? [])
        {
            writer.Write(unit);
            writer.Write(total);
        }
    };

    private static string Refusal(byte[] bytes, QueryModel query) =>
        Assert.Throws<ClaimsException>(() => PartialAggregate.ReadFrom(new MemoryStream(bytes), query)).Message;

    [Fact]
    public void Crafted_bytes_that_would_finish_wrong_or_crash_are_refused_naming_what_is_wrong()
    {
        var byCode = Parse("""{"from": "receipts", "groupBy": ["dpc_code"], "select": [{"count": "*", "as": "n"}]}""");
        Assert.Contains("its string table holds \"X\" twice",
            Refusal(Crafted(byCode, ["X", "X"], ([0, 0, 0, 0], State(5, Aggregate(0))), ([1, 0, 0, 0], State(7, Aggregate(0)))), byCode));

        var total = Parse("""{"from": "receipts", "select": [{"count": "*", "as": "n"}]}""");
        Assert.Contains("a group has a key part 1 where the query has 0 keys",
            Refusal(Crafted(total, [], ([0, 0, 0, 0], State(5, Aggregate(0))), ([9, 0, 0, 0], State(7, Aggregate(0)))), total));
        Assert.Contains("-3 rows", Refusal(Crafted(total, [], ([0, 0, 0, 0], State(-3, Aggregate(0)))), total));

        // Each patient's total of a sum disclosure control clips: no more units than values, each once, each a number.
        var parsed = Parse("""{"from": "receipts", "select": [{"sum": "total_points", "as": "s"}]}""");
        var perUnit = parsed with { Select = [parsed.Select[0] with { PerUnit = parsed.From.Column("patient_id") }] };
        Assert.Contains("3 units' totals among 2 values",
            Refusal(Crafted(perUnit, [], ([0, 0, 0, 0], State(2, Aggregate(2, totals: [(1, 5), (2, 5), (3, 5)])))), perUnit));
        Assert.Contains("unit 4's total twice",
            Refusal(Crafted(perUnit, [], ([0, 0, 0, 0], State(2, Aggregate(2, totals: [(4, 5), (4, 5)])))), perUnit));
        Assert.Contains("unit 4's total is NaN",
            Refusal(Crafted(perUnit, [], ([0, 0, 0, 0], State(2, Aggregate(2, totals: [(4, double.NaN)])))), perUnit));
        Assert.Contains("per patient_id", Refusal(Crafted(perUnit, [], ([0, 0, 0, 0], State(2, Aggregate(2)))), parsed));

        var byDate = Parse("""{"from": "receipts", "groupBy": ["admission_date"], "select": [{"count": "admission_date", "as": "n"}, {"min": "admission_date", "as": "first"}]}""");
        Assert.Contains("a group key of admission_date is no date",
            Refusal(Crafted(byDate, [], ([int.MaxValue - 5L, 0, 0, 0], State(3, Aggregate(3), Aggregate(3, 19_000, 19_001)))), byDate));
        Assert.Contains("the first of a group is no date",
            Refusal(Crafted(byDate, [], ([19_000, 0, 0, 0], State(3, Aggregate(3), Aggregate(3, -800_000, 19_001)))), byDate));
        Assert.Contains("4 values in a group of 3 rows",
            Refusal(Crafted(byDate, [], ([19_000, 0, 0, 0], State(3, Aggregate(4), Aggregate(3, 19_000, 19_001)))), byDate));

        var patients = Parse("""{"from": "receipts", "groupBy": ["sex"], "select": [{"countDistinct": "patient_id", "as": "p"}]}""");
        // A listed value inside the bits' range would grow the bits to it: 32 MB from a hundred bytes.
        Assert.Contains("a listed distinct value 268435455 inside the bits' range",
            Refusal(Crafted(patients, [], ([1, 0, 0, 0], State(2, Aggregate(2, bits: [1UL], listed: [GroupState.DistinctBitsLimit - 1])))), patients));
        Assert.Contains("3 distinct values among 2",
            Refusal(Crafted(patients, [], ([1, 0, 0, 0], State(2, Aggregate(2, bits: [7UL])))), patients));

        // A negative string length (the 7-bit encoding of −1) as the first string's.
        Assert.StartsWith("partial aggregate: cannot read it:", Refusal([0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0, 0, 0], total));

        using var stream = new MemoryStream();
        data.Dataset.Partial(total, null).WriteTo(stream);
        stream.Write([1, 2, 3]);
        Assert.Contains("bytes follow its end", Refusal(stream.ToArray(), total));
    }

    [Fact]
    public void Randomly_altered_bytes_are_read_and_finish_or_are_refused_never_anything_else()
    {
        var query = Parse("""{"from": "receipts", "groupBy": ["dpc_code", "admission_date"], "select": [{"count": "*", "as": "n"}, {"countDistinct": "patient_id", "as": "p"}, {"countDistinct": "id1", "as": "h"}, {"sum": "total_points", "as": "s"}, {"min": "admission_date", "as": "first"}]}""");
        using var stream = new MemoryStream();
        data.Dataset.Partial(query, data.Dataset.Table("receipts").Partitions.Take(1)).WriteTo(stream);
        var good = stream.ToArray();
        var random = new Random(11);
        var (read, refused) = (0, 0);
        for (var i = 0; i < 2_000; i++)
        {
            var bytes = good.ToArray();
            switch (random.Next(3))
            {
                case 0:
                    for (var k = random.Next(1, 4); k > 0; k--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                default:
                    BitConverter.GetBytes(random.Next(2) == 0 ? -random.Next(1, 5) : random.Next()).CopyTo(bytes, random.Next(16, bytes.Length - 8));
                    break;
            }
            PartialAggregate partial;
            try
            {
                partial = PartialAggregate.ReadFrom(new MemoryStream(bytes), query);
            }
            catch (ClaimsException error)
            {
                Assert.StartsWith("partial aggregate: cannot read it:", error.Message);
                refused++;
                continue;
            }
            partial.Finish().Batch();
            read++;
        }
        Assert.True(refused > 100 && read > 100, $"{read} read, {refused} refused: the alterations should reach both");
    }
}
