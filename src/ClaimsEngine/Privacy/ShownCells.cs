namespace Claims.Engine.Privacy;

/// <summary>
/// Every cell a project has been shown, kept by the ledger in `DIR/project/cells.shown`: fixed-size records
/// appended under the project's lock, so processes sharing the ledger see each other's cells. A record torn by a
/// crash belongs to a release whose answer never left the process; it is cut off before the next append.
/// </summary>
internal sealed class ShownCells(string path)
{
    public const string FileName = "cells.shown";

    private readonly Dictionary<long, List<ShownCell>> _byUnits = [];
    private long _read;

    public int Count { get; private set; }

    /// <summary>The cells shown counting exactly <paramref name="units"/> records.</summary>
    public IReadOnlyList<ShownCell> WithUnits(long units) => _byUnits.TryGetValue(units, out var cells) ? cells : [];

    /// <summary>Reads the cells other processes appended since the last read.</summary>
    public ShownCells Refresh()
    {
        if (!File.Exists(path)) return this;
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var whole = file.Length / ShownCell.Bytes * ShownCell.Bytes;
        if (whole <= _read) return this;
        file.Seek(_read, SeekOrigin.Begin);
        var buffer = new byte[ShownCell.Bytes];
        for (; _read < whole; _read += ShownCell.Bytes)
        {
            file.ReadExactly(buffer);
            Add(ShownCell.Read(buffer));
        }
        return this;
    }

    public void Append(IReadOnlyList<ShownCell> cells)
    {
        if (cells.Count == 0) return;
        var bytes = new byte[cells.Count * ShownCell.Bytes];
        for (var i = 0; i < cells.Count; i++) cells[i].WriteTo(bytes.AsSpan(i * ShownCell.Bytes));
        using (var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write))
        {
            file.SetLength(_read);
            file.Seek(_read, SeekOrigin.Begin);
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        foreach (var cell in cells) Add(cell);
        _read += bytes.Length;
    }

    private void Add(ShownCell cell)
    {
        if (!_byUnits.TryGetValue(cell.Units, out var cells)) _byUnits[cell.Units] = cells = [];
        cells.Add(cell);
        Count++;
    }
}
