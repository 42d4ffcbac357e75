using Claims.Engine.Storage;

namespace Claims.Import.Export;

/// <summary>One month of a table (none: no rows), its rows grouped by receipt, so a receipt's lines are found without a scan.</summary>
internal sealed class PartitionRows
{
    private readonly Dictionary<long, List<int>> _byReceipt = [];
    private readonly DatasetPartition? _partition;

    public PartitionRows(DatasetPartition? partition)
    {
        _partition = partition;
        if (partition is null) return;
        var receipts = partition.Column("receipt_id").Values<long>();
        for (var row = 0; row < partition.RowCount; row++)
        {
            if (!_byReceipt.TryGetValue(receipts[row], out var rows)) _byReceipt[receipts[row]] = rows = [];
            rows.Add(row);
        }
    }

    public IReadOnlyList<int> Of(long receiptId) => _byReceipt.TryGetValue(receiptId, out var rows) ? rows : [];

    public object? Value(string column, int row) => _partition!.Column(column).GetValue(row);
}
