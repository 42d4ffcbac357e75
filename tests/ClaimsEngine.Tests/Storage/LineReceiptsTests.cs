using Apache.Arrow;
using Claims.Engine.Query;
using Claims.Engine.Schema;
using Claims.Engine.Storage;
using Claims.Engine.Tests.Query;
using Claims.Testing;

namespace Claims.Engine.Tests.Storage;

/// <summary>
/// Line-item rows linked to their receipts (<see cref="LineReceipts"/>): by a merge walk where the lines follow their
/// receipts' order, by a lookup of ids where they do not, the same rows either way, from any start inside a block.
/// </summary>
[Collection(SmallBlockData.Name)]
public sealed class LineReceiptsTests(SmallBlockFixture data)
{
    private const int Block = 4_096;

    /// <summary>Each line's receipt row by id, as the link must give it.</summary>
    private static int[] Expected(DatasetPartition lines, DatasetPartition receipts)
    {
        var byId = new Dictionary<long, int>();
        var ids = receipts.Column("receipt_id").Values<long>();
        for (var r = 0; r < ids.Length; r++) byId[ids[r]] = r;
        return [.. lines.Column("receipt_id").Values<long>().ToArray().Select(id => byId.GetValueOrDefault(id, -1))];
    }

    private static int[] Linked(LineReceipts link, int start, int count)
    {
        var rows = new int[count];
        link.Rows(start, count, rows);
        return rows;
    }

    [Fact]
    public void Generated_lines_are_walked_over_many_blocks_and_find_the_receipt_of_their_id()
    {
        foreach (var table in new[] { "drugs", "diagnoses", "procedures" })
            foreach (var lines in data.Dataset.Table(table).Partitions)
            {
                var link = data.Dataset.Receipts(lines);
                Assert.True(link.Walks, $"{table}/{lines.Key}: the generator writes a receipt's lines together, in its receipts' order");
                Assert.Same(link, data.Dataset.Receipts(lines));
                var expected = Expected(lines, link.Receipts);
                Assert.True(lines.RowCount > 2 * SmallBlockFixture.BlockRows, $"{table}/{lines.Key} should span several blocks");
                for (var start = 0; start < lines.RowCount; start += SmallBlockFixture.BlockRows)
                {
                    var count = Math.Min(SmallBlockFixture.BlockRows, lines.RowCount - start);
                    Assert.Equal(expected[start..(start + count)], Linked(link, start, count));
                }
                // From inside a block, across the next one's first line.
                var middle = SmallBlockFixture.BlockRows + 100;
                Assert.Equal(expected[middle..(middle + SmallBlockFixture.BlockRows)], Linked(link, middle, SmallBlockFixture.BlockRows));
            }
    }

    [Fact]
    public void A_period_shares_the_opened_dataset_s_links()
    {
        var lines = data.Dataset.Table("drugs").Partitions[1];
        var period = data.Dataset.Period(new MonthRange(lines.Key, lines.Key));
        Assert.Same(data.Dataset.Receipts(lines), period.Receipts(lines));
    }

    /// <summary>
    /// Receipts 10, 20, … (<paramref name="receipts"/> of them) of one month, with prefectures 1–6 for the first six
    /// (receipt 40's NULL), and the ids of its drug lines in <paramref name="order"/>, in blocks of 4,096 rows (the
    /// fewest a schema allows).
    /// </summary>
    private static Dataset Write(TempDirectory temp, long[] order, int receipts = 6)
    {
        var schema = SchemaCopies.WithBlockRows(temp.Combine("schema"), Block);
        using (var writer = DatasetWriter.Create(temp.Combine("data"), new DatasetWriteOptions { Schema = schema }))
        {
            var receiptRows = new RowBatch(schema.Table("receipts"), receipts) { Count = receipts };
            foreach (var column in receiptRows.Table.Columns.Where(c => c.Type.IsDictionary() && !c.Nullable)) System.Array.Fill(receiptRows.Strings(column.Name), "X");
            System.Array.Fill(receiptRows.Values<int>("service_month"), 202401);
            for (var r = 0; r < receipts; r++)
            {
                receiptRows.Values<long>("receipt_id")[r] = 10 * (r + 1);
                receiptRows.Values<sbyte>("prefecture")[r] = (sbyte)(r % 6 + 1);
                receiptRows.Values<sbyte>("sex")[r] = 1;
            }
            receiptRows.Nulls("prefecture")[3] = true;
            writer.Partition("receipts", 202401).Append(receiptRows);
            var drugs = new RowBatch(schema.Table("drugs"), order.Length) { Count = order.Length };
            foreach (var column in drugs.Table.Columns.Where(c => c.Type.IsDictionary() && !c.Nullable)) System.Array.Fill(drugs.Strings(column.Name), "X");
            System.Array.Fill(drugs.Values<int>("service_month"), 202401);
            order.CopyTo(drugs.Values<long>("receipt_id"), 0);
            for (var i = 0; i < order.Length; i++) drugs.Values<float>("quantity")[i] = i % 7;
            writer.Partition("drugs", 202401).Append(drugs);
            writer.Commit();
        }
        return Dataset.Open(temp.Combine("data"));
    }

    /// <summary>The lines' count and sum of quantities by their receipt's prefecture, on the dense path and on the row-by-row one.</summary>
    private static void AssertGroupsByPrefecture(Dataset dataset, long[] order)
    {
        var prefectures = new Dictionary<long, int?> { [10] = 1, [20] = 2, [30] = 3, [40] = null, [50] = 5, [60] = 6 };
        var expected = order.Select((id, i) => (Prefecture: prefectures.GetValueOrDefault(id), Quantity: (double)(i % 7)))
            .GroupBy(l => l.Prefecture).OrderBy(g => g.Key ?? int.MaxValue)
            .Select(g => $"{g.Key?.ToString() ?? "NULL"}: {g.Count()} {g.Sum(l => l.Quantity)} {g.Max(l => l.Quantity)}").ToArray();
        // A float's maximum takes the row-by-row path; the same count and sum alone the dense one.
        foreach (var (select, dense) in new[] { (""", {"max": "quantity", "as": "m"}""", false), ("", true) })
        {
            var statistics = new ScanStatistics();
            var json = $$"""{"from": "drugs", "groupBy": ["receipts.prefecture"], "select": [{"count": "*", "as": "n"}, {"sum": "quantity", "as": "q"}{{select}}], "orderBy": [{"col": "receipts.prefecture"}]}""";
            var batch = dataset.Execute(json, statistics);
            var rows = Enumerable.Range(0, batch.Length).Select(r =>
                $"{((Int64Array)batch.Column(0)).GetValue(r)?.ToString() ?? "NULL"}: {((Int64Array)batch.Column(1)).GetValue(r)} {((DoubleArray)batch.Column(2)).GetValue(r)}" +
                (dense ? "" : $" {((DoubleArray)batch.Column(3)).GetValue(r)}")).ToArray();
            Assert.Equal(dense ? [.. expected.Select(e => e[..e.LastIndexOf(' ')])] : expected, rows);
            Assert.Equal(dense, statistics.DenseBlocks > 0);
        }
    }

    [Fact]
    public void Lines_in_their_receipts_order_are_walked_past_receipts_without_lines()
    {
        using var temp = new TempDirectory();
        long[] order = [.. Enumerable.Repeat(10L, 5_000), .. Enumerable.Repeat(30L, 3_000), 40, 40, .. Enumerable.Repeat(60L, 5_000)];
        using var dataset = Write(temp, order);
        var lines = dataset.Table("drugs").Partitions[0];
        var link = dataset.Receipts(lines);
        Assert.True(link.Walks);
        Assert.Equal(Expected(lines, link.Receipts), Linked(link, 0, order.Length));
        Assert.Equal(Expected(lines, link.Receipts)[5_000..(5_000 + Block)], Linked(link, 5_000, Block));
        AssertGroupsByPrefecture(dataset, order);
    }

    /// <summary>
    /// Steps of 300 and 1,000 receipts without lines between two lines (kept apart from the byte a line), one inside a
    /// block and one in the next, read from a block's start and from inside a block across each.
    /// </summary>
    [Fact]
    public void Lines_far_apart_in_their_receipts_are_walked_to_the_rows_of_their_ids()
    {
        using var temp = new TempDirectory();
        long[] order = [.. Enumerable.Repeat(10L, 3_000), .. Enumerable.Repeat(3_010L, 2_000), .. Enumerable.Repeat(13_010L, 3_500), .. Enumerable.Repeat(13_020L, 100)];
        using var dataset = Write(temp, order, receipts: 1_500);
        var lines = dataset.Table("drugs").Partitions[0];
        var link = dataset.Receipts(lines);
        Assert.True(link.Walks);
        var expected = Expected(lines, link.Receipts);
        Assert.DoesNotContain(-1, expected);
        Assert.Equal(expected, Linked(link, 0, order.Length));
        Assert.Equal(expected[Block..(2 * Block)], Linked(link, Block, Block));
        Assert.Equal(expected[2_990..3_010], Linked(link, 2_990, 20));
        Assert.Equal(expected[4_990..5_010], Linked(link, 4_990, 20));
        Assert.Equal(expected[4_000..8_600], Linked(link, 4_000, 4_600));
    }

    [Theory]
    [InlineData("receipts out of order", new long[] { 30, 30, 10, 10, 10, 60, 20, 20, 50, 40, 40, 10 })]
    [InlineData("a line whose receipt is missing", new long[] { 10, 10, 20, 99, 30, 40, 40, 50, 60, 60 })]
    public void Lines_out_of_their_receipts_order_are_looked_up_by_id_with_the_same_rows(string why, long[] pattern)
    {
        using var temp = new TempDirectory();
        // Across blocks, so a block starts inside a run of one receipt's lines.
        long[] order = [.. Enumerable.Range(0, 10_000).Select(i => pattern[i * pattern.Length / 10_000])];
        using var dataset = Write(temp, order);
        var lines = dataset.Table("drugs").Partitions[0];
        var link = dataset.Receipts(lines);
        Assert.False(link.Walks, why);
        var expected = Expected(lines, link.Receipts);
        Assert.Equal(expected, Linked(link, 0, order.Length));
        Assert.Equal(expected[Block..(2 * Block)], Linked(link, Block, Block));
        Assert.Equal(expected[5_000..10_000], Linked(link, 5_000, 5_000));
        AssertGroupsByPrefecture(dataset, order);
    }
}
