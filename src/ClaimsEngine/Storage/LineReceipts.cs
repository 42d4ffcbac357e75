namespace Claims.Engine.Storage;

/// <summary>
/// Each row of a line-item partition (drugs, diagnoses, …) linked to its receipt's row in the month's receipts
/// partition. The generator and the importer write a receipt's lines together and in their receipts' order, so the
/// link is a merge walk of the two id columns, done once over the month and kept as the receipt row of each block's
/// first line and, for every other line, the receipts it moves on from the line before: a byte a line (0 within a
/// receipt), where walking the two id columns again read sixteen or more, and compared them. A step of 255 or more
/// receipts (a table with few lines, such as devices) is kept apart by line. Where that order does not hold (a store
/// written otherwise, a line whose receipt is missing), each line's receipt is looked up by id in a map of the
/// month's receipts instead. Built once per opened dataset (<see cref="Dataset.Receipts"/>), then only read, so
/// threads share it.
/// </summary>
internal sealed class LineReceipts
{
    /// <summary>A step that says the line's receipt row is kept in <see cref="Walk.Far"/>.</summary>
    private const byte Far = byte.MaxValue;

    private readonly MappedColumn _lineIds;
    private readonly int _blockRows;
    private readonly Walk? _walk;
    private readonly Dictionary<long, int>? _byId;

    /// <summary>The receipt row of each block's first line, where a read starts, and each line's step from the line before.</summary>
    private sealed record Walk(int[] BlockStarts, byte[] Steps, Dictionary<int, int> Far);

    private LineReceipts(MappedColumn lineIds, DatasetPartition receipts, int blockRows, Walk? walk, Dictionary<long, int>? byId)
    {
        (_lineIds, _blockRows, _walk, _byId) = (lineIds, blockRows, walk, byId);
        Receipts = receipts;
    }

    public DatasetPartition Receipts { get; }

    /// <summary>Whether the lines follow their receipts' order, so <see cref="Rows"/> walks instead of looking ids up.</summary>
    public bool Walks => _walk is not null;

    public static LineReceipts Link(DatasetPartition lines, DatasetPartition receipts, int blockRows)
    {
        var column = lines.Column(lines.Table.ParentColumn!.Name);
        var lineIds = column.Values<long>();
        var receiptIds = receipts.Column(column.Schema.Name).Values<long>();
        var walk = new Walk(new int[(lineIds.Length + blockRows - 1) / blockRows], new byte[lineIds.Length], []);
        var r = 0;
        for (var line = 0; line < lineIds.Length; line++)
        {
            var id = lineIds[line];
            var before = r;
            if (r < receiptIds.Length && receiptIds[r] != id) r = receiptIds[r..].IndexOf(id) is var ahead and >= 0 ? r + ahead : receiptIds.Length;
            if (r == receiptIds.Length) return new LineReceipts(column, receipts, blockRows, null, ById(receiptIds));
            if (line % blockRows == 0) walk.BlockStarts[line / blockRows] = r;
            if (r - before < Far) walk.Steps[line] = (byte)(r - before);
            else (walk.Steps[line], walk.Far[line]) = (Far, r);
        }
        return new LineReceipts(column, receipts, blockRows, walk, null);
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
        if (_walk is { } walk)
        {
            var first = start / _blockRows * _blockRows;
            var r = walk.BlockStarts[start / _blockRows];
            var steps = walk.Steps;
            for (var line = first + 1; line < start + count; line++)
            {
                var step = steps[line];
                r = step == Far ? walk.Far[line] : r + step;
                if (line >= start) rows[line - start] = r;
            }
            if (start == first && count > 0) rows[0] = walk.BlockStarts[start / _blockRows];
            return;
        }
        var lineIds = _lineIds.Values<long>();
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
