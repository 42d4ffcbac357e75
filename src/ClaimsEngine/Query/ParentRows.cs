using System.Collections.Concurrent;
using Claims.Engine.Storage;

namespace Claims.Engine.Query;

/// <summary>
/// Each month's receipts by id, so that a line-item row reads a column of its receipt (a group key such as
/// <c>receipts.prefecture</c>): built on first need, once per month per query, as the lines of a month all belong to
/// receipts of that month.
/// </summary>
internal sealed class ParentRows(Dataset dataset)
{
    private readonly ConcurrentDictionary<int, Lazy<(DatasetPartition Partition, Dictionary<long, int> Rows)>> _months = new();

    /// <summary>A reader of <paramref name="key"/>'s receipt column for the rows of <paramref name="lines"/>.</summary>
    public ValueReader Reader(DatasetPartition lines, GroupKey key, GlobalStrings strings)
    {
        var link = lines.Table.ParentColumn!.Name;
        var (receipts, rows) = _months.GetOrAdd(lines.Key, month => new Lazy<(DatasetPartition, Dictionary<long, int>)>(() =>
        {
            var partition = dataset.Table(lines.Table.ParentTable!).Partitions.FirstOrDefault(p => p.Key == month)
                ?? throw new ClaimsException($"{lines.Table.Name} of month {month} has lines but {lines.Table.ParentTable} has no partition of that month");
            var ids = partition.Column(link).Values<long>();
            var byId = new Dictionary<long, int>(ids.Length);
            for (var r = 0; r < ids.Length; r++) byId[ids[r]] = r;
            return (partition, byId);
        })).Value;
        return new ValueReader(receipts.Column(key.Column.Name), key.Derivation, strings, new ReceiptLink(lines.Column(link), rows));
    }
}

/// <summary>
/// A line-item row's receipt row: the row whose id is the line's parent column; none for a line without its receipt.
/// A receipt's lines are written together, so the last answer is kept: most lines ask for the receipt the line
/// before them asked for. One link serves one block's scan, on one thread.
/// </summary>
internal sealed class ReceiptLink(MappedColumn lineIds, Dictionary<long, int> receiptRows)
{
    private long _lastId = long.MinValue;
    private int _lastRow = -1;

    public bool TryRow(int line, out int receipt)
    {
        var id = lineIds.Values<long>()[line];
        if (id != _lastId)
        {
            _lastRow = receiptRows.TryGetValue(id, out var row) ? row : -1;
            _lastId = id;
        }
        receipt = _lastRow;
        return receipt >= 0;
    }
}
