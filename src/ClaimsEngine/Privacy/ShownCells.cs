using System.Buffers.Binary;
using System.Text;

namespace Claims.Engine.Privacy;

/// <summary>
/// Every cell a project has asked that was far from all before it, kept by the ledger in `DIR/project/cells.shown`: records appended under
/// the project's lock (a kind byte, a length, the payload: a new cell, or a figure added to the cell numbered so),
/// so processes sharing the ledger see each other's cells. A record torn by a crash belongs to a release whose
/// answer never left the process; it is cut off before the next append.
/// </summary>
internal sealed class ShownCells(string path)
{
    public const string FileName = "cells.shown";

    private const byte CellRecord = 1;
    private const byte FigureRecord = 2;
    private const int Header = sizeof(byte) + sizeof(int);

    private readonly List<ShownCell> _cells = [];
    private readonly Dictionary<ShownCell, int> _numbers = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<long, List<ShownCell>> _byUnits = [];
    private long _read;

    public int Count => _cells.Count;

    /// <summary>The cell's place in the order cells were kept, or null for one not kept.</summary>
    public int? Number(ShownCell cell) => _numbers.TryGetValue(cell, out var number) ? number : null;

    /// <summary>The cells shown counting exactly <paramref name="units"/> records, oldest first.</summary>
    public IReadOnlyList<ShownCell> WithUnits(long units) => _byUnits.TryGetValue(units, out var cells) ? cells : [];

    /// <summary>Reads what other processes appended since the last read.</summary>
    public ShownCells Refresh()
    {
        if (!File.Exists(path)) return this;
        var bytes = ReadFrom(_read);
        var offset = 0;
        while (offset + Header <= bytes.Length)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset + 1));
            if (length < 0 || offset + Header + length > bytes.Length) break;
            using var reader = new BinaryReader(new MemoryStream(bytes, offset + Header, length), Encoding.UTF8);
            if (bytes[offset] == CellRecord) Add(ShownCell.Deserialize(reader, _cells));
            else if (bytes[offset] == FigureRecord)
            {
                var number = reader.ReadInt32();
                var (name, value) = ShownCell.ReadFigure(reader);
                _cells[number].Figures[name] = value;
            }
            else throw new DisclosureException($"'{path}' is damaged: a record of unknown kind {bytes[offset]}");
            offset += Header + length;
        }
        _read += offset;
        return this;
    }

    /// <summary>Keeps new <paramref name="cells"/>, and <paramref name="figures"/> added to cells kept before, in memory and on disk.</summary>
    public void Append(IReadOnlyList<ShownCell> cells, IReadOnlyList<(ShownCell Cell, string Name, double? Value)> figures)
    {
        if (cells.Count == 0 && figures.Count == 0) return;
        using var records = new MemoryStream();
        // Numbered as they will be read back: after the cells kept before, in this order.
        var numbers = new Dictionary<ShownCell, int>(_numbers, ReferenceEqualityComparer.Instance);
        foreach (var cell in cells) numbers[cell] = numbers.Count;
        foreach (var cell in cells) Write(records, CellRecord, writer => writer.Write(cell.Serialize(cell.Alias is { } alias ? numbers[alias] : -1)));
        foreach (var (cell, name, value) in figures)
        {
            Write(records, FigureRecord, writer =>
            {
                writer.Write(_numbers[cell]);
                ShownCell.WriteFigure(writer, name, value);
            });
        }
        using (var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write))
        {
            file.SetLength(_read);
            file.Seek(_read, SeekOrigin.Begin);
            records.Position = 0;
            records.CopyTo(file);
            file.Flush(flushToDisk: true);
            _read = file.Position;
        }
        foreach (var cell in cells) Add(cell);
        foreach (var (cell, name, value) in figures) cell.Figures[name] = value;
    }

    private static void Write(Stream stream, byte kind, Action<BinaryWriter> payload)
    {
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true)) payload(writer);
        Span<byte> header = stackalloc byte[Header];
        header[0] = kind;
        BinaryPrimitives.WriteInt32LittleEndian(header[1..], (int)body.Length);
        stream.Write(header);
        body.Position = 0;
        body.CopyTo(stream);
    }

    private byte[] ReadFrom(long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (file.Length <= offset) return [];
        file.Seek(offset, SeekOrigin.Begin);
        var bytes = new byte[file.Length - offset];
        file.ReadExactly(bytes);
        return bytes;
    }

    private void Add(ShownCell cell)
    {
        _numbers[cell] = _cells.Count;
        _cells.Add(cell);
        if (!_byUnits.TryGetValue(cell.Units, out var cells)) _byUnits[cell.Units] = cells = [];
        cells.Add(cell);
    }
}
