namespace Claims.Engine.Storage;

/// <summary>
/// Each row of a line-item partition (drugs, diagnoses, …) linked to its receipt's row in the month's receipts
/// partition. The generator and the importer write a receipt's lines together and in their receipts' order, so the
/// link is a merge walk of the two id columns: checked once over the month, and kept as the receipt row of each
/// block's first line, four bytes a block. Where that order does not hold (a store written otherwise, a line whose
/// receipt is missing), each line's receipt is looked up by id in a map of the month's receipts instead. Built once
/// per opened dataset (<see cref="Dataset.Receipts"/>), then only read, so threads share it.
/// </summary>
internal sealed class LineReceipts
{
    private readonly MappedColumn _lineIds;
    private readonly MappedColumn _receiptIds;
    private readonly int _blockRows;
    private readonly int[]? _blockStarts;
    private readonly Dictionary<long, int>? _byId;

    private LineReceipts(MappedColumn lineIds, DatasetPartition receipts, int blockRows, int[]? blockStarts, Dictionary<long, int>? byId)
    {
        (_lineIds, _receiptIds, _blockRows, _blockStarts, _byId) = (lineIds, receipts.Column(lineIds.Schema.Name), blockRows, blockStarts, byId);
        Receipts = receipts;
    }

    public DatasetPartition Receipts { get; }

    /// <summary>Whether the lines follow their receipts' order, so <see cref="Rows"/> walks instead of looking ids up.</summary>
    public bool Walks => _blockStarts is not null;

    public static LineReceipts Link(DatasetPartition lines, DatasetPartition receipts, int blockRows)
    {
        var column = lines.Column(lines.Table.ParentColumn!.Name);
        var lineIds = column.Values<long>();
        var receiptIds = receipts.Column(column.Schema.Name).Values<long>();
        var starts = new int[(lineIds.Length + blockRows - 1) / blockRows];
        var r = 0;
        for (var line = 0; line < lineIds.Length; line++)
        {
            var id = lineIds[line];
            while (r < receiptIds.Length && receiptIds[r] != id) r++;
            if (r == receiptIds.Length) return new LineReceipts(column, receipts, blockRows, null, ById(receiptIds));
            if (line % blockRows == 0) starts[line / blockRows] = r;
        }
        return new LineReceipts(column, receipts, blockRows, starts, null);
    }

    private static Dictionary<long, int> ById(ReadOnlySpan<long> ids)
    {
        var byId = new Dictionary<long, int>(ids.Length);
        for (var r = 0; r < ids.Length; r++) byId[ids[r]] = r;
        return byId;
    }

    /// <summary>The receipt row of each line in [<paramref name="start"/>, start + count) into <paramref name="rows"/>; -1 for a line whose receipt the month lacks.</summary>
    public void Rows(int start, int count, Span<int> rows)
    {
        var lineIds = _lineIds.Values<long>();
        var receiptIds = _receiptIds.Values<long>();
        if (_blockStarts is { } starts)
        {
            // Checked at link time: every line finds its receipt at or after the one before it.
            var first = start / _blockRows * _blockRows;
            var r = starts[start / _blockRows];
            for (var line = first; line < start + count; line++)
            {
                // Receipts without lines of this table lie between: skipped by a vectorised search, not one by one.
                var id = lineIds[line];
                if (receiptIds[r] != id) r += receiptIds[r..].IndexOf(id);
                if (line >= start) rows[line - start] = r;
            }
            return;
        }
        // A receipt's lines are mostly together even when the order does not hold: one lookup per run of them.
        var lastId = 0L;
        var last = -1;
        for (var i = 0; i < count; i++)
        {
            var id = lineIds[start + i];
            if (i == 0 || id != lastId) (lastId, last) = (id, _byId!.TryGetValue(id, out var row) ? row : -1);
            rows[i] = last;
        }
    }
}
