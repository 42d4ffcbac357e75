using Claims.Engine.Cohorts;
using Claims.Engine.Query;
using Claims.Engine.Storage;
using Claims.Testing;

namespace Claims.Engine.Tests.Query;

/// <summary>
/// Queries and scans stop when their token is cancelled: before they start, without reading a block, and during a
/// scan, before its last block.
/// </summary>
public sealed class CancellationTests(SmallBlocks data) : IClassFixture<SmallBlocks>
{
    private const string Query = """{"from": "receipts", "groupBy": ["prefecture"], "select": [{"sum": "total_points", "as": "points"}]}""";

    private readonly Dataset _dataset = data.Dataset;

    private int Blocks(string table) => _dataset.Table(table).Partitions.Sum(p => (p.RowCount + _dataset.Manifest.BlockRows - 1) / _dataset.Manifest.BlockRows);

    [Fact]
    public void A_query_with_a_cancelled_token_throws_and_the_same_query_without_one_answers()
    {
        Assert.ThrowsAny<OperationCanceledException>(() => _dataset.Execute(Query, new CancellationToken(canceled: true)));
        Assert.ThrowsAny<OperationCanceledException>(() => _dataset.Execute(QueryParser.Parse(Query, _dataset.Schema), new CancellationToken(canceled: true)));
        Assert.True(_dataset.Execute(Query).Length > 0);
    }

    [Fact]
    public void A_scan_with_a_cancelled_token_reads_no_block()
    {
        var visited = 0;
        var receipts = _dataset.Schema.Table("receipts");
        Assert.ThrowsAny<OperationCanceledException>(() =>
            EventScan.Blocks(_dataset, receipts, null, (_, _, _, _) => Interlocked.Increment(ref visited), cancellationToken: new CancellationToken(canceled: true)));
        Assert.Equal(0, visited);
    }

    [Fact]
    public void A_scan_cancelled_at_its_first_block_stops_before_its_last()
    {
        using var cancel = new CancellationTokenSource();
        var visited = 0;
        var receipts = _dataset.Schema.Table("receipts");
        Assert.ThrowsAny<OperationCanceledException>(() => EventScan.Blocks(_dataset, receipts, null, (_, _, _, _) =>
        {
            Interlocked.Increment(ref visited);
            cancel.Cancel();
        }, cancellationToken: cancel.Token));
        // Blocks already started finish; no new one starts. At most one per worker thread, far fewer than the blocks.
        Assert.InRange(visited, 1, Blocks("receipts") / 2);

        var all = 0;
        EventScan.Blocks(_dataset, receipts, null, (_, _, _, _) => Interlocked.Increment(ref all));
        Assert.Equal(Blocks("receipts"), all);
    }
}

/// <summary>Random rows in the smallest zone-map blocks: six months of 20,000 receipts are 30 blocks to stop between.</summary>
public sealed class SmallBlocks : IDisposable
{
    private readonly TempDirectory _temp = new("claims-cancel");

    public SmallBlocks()
    {
        var schema = SchemaCopies.WithBlockRows(_temp.Combine("schema"), 4096);
        new RandomDataset { Seed = 5, Months = 6, RowsPerPartition = 20_000 }.Write(_temp.Combine("ds"), new DatasetWriteOptions { Schema = schema });
        Dataset = Dataset.Open(_temp.Combine("ds"), ChecksumVerification.AtOpen, schema);
    }

    public Dataset Dataset { get; }

    public void Dispose()
    {
        Dataset.Dispose();
        _temp.Dispose();
    }
}
