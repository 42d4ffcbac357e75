using System.Globalization;
using Claims.Engine;

namespace Claims.Import.Reading;

/// <summary>
/// Reads one 医科 UKE file as its IR header, a stream of receipts and its GO trailer, holding one receipt at a
/// time. What breaks the file's structure (no IR first, an uncovered record type, records after GO, no GO at all)
/// is a <see cref="ClaimsException"/> naming file:line, so a file that cannot be read whole is never half read.
/// </summary>
internal sealed class UkeFileReader : IDisposable
{
    private readonly UkeLineReader _lines;
    private readonly Dictionary<string, int> _counts = [];

    public UkeFileReader(string path)
    {
        _lines = new UkeLineReader(path);
        var first = Next() ?? throw Structure(1, "the file is empty");
        if (first.Type != UkeRecordTypes.Facility) throw Structure(first.Line, $"the file starts with '{first.Type}', not an IR record");
        Facility = ReadFacility(first);
    }

    public string Path => _lines.Path;
    public UkeFacility Facility { get; }

    /// <summary>The GO record, once <see cref="Receipts"/> has been read to the end.</summary>
    public UkeRecord? Trailer { get; private set; }

    /// <summary>Records read so far, by type.</summary>
    public IReadOnlyDictionary<string, int> RecordCounts => _counts;

    public int Lines => _lines.LineNumber;

    public IEnumerable<UkeReceipt> Receipts()
    {
        UkeReceipt? current = null;
        while (Next() is { } record)
        {
            switch (record.Type)
            {
                case UkeRecordTypes.Receipt:
                    if (current is not null) yield return current;
                    current = new UkeReceipt(Facility, record);
                    break;
                case UkeRecordTypes.Trailer:
                    if (current is not null) yield return current;
                    current = null;
                    Trailer = record;
                    if (Next() is { } after) throw Structure(after.Line, $"'{after.Type}' after the GO record that ends the file");
                    yield break;
                case UkeRecordTypes.Facility:
                    throw Structure(record.Line, "a second IR record (one file holds one facility's billing month)");
                default:
                    if (!UkeRecordTypes.InReceipt.Contains(record.Type)) throw Structure(record.Line, UkeRecordTypes.Uncovered(record.Type));
                    if (current is null) throw Structure(record.Line, $"'{record.Type}' before the first RE record");
                    current.Records.Add(record);
                    break;
            }
        }
        throw Structure(_lines.LineNumber, "no GO record at the end: the file is truncated");
    }

    private UkeRecord? Next()
    {
        while (_lines.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            var record = new UkeRecord(_lines.LineNumber, line);
            _counts[record.Type] = _counts.GetValueOrDefault(record.Type) + 1;
            return record;
        }
        return null;
    }

    private UkeFacility ReadFacility(UkeRecord ir)
    {
        // IR: 2 都道府県, 3 点数表, 4 医療機関コード, 7 請求年月 (1, the 審査支払機関, is not stored).
        if (ir[3] != "1")
            throw Structure(ir.Line, $"IR fee table (点数表) '{ir[3]}' is not 1 (医科); 歯科 (3) and 調剤 (4) files are not read yet");
        var convention = UkeDates.Detect(ir[7]) ?? throw Structure(ir.Line, $"IR billing month '{ir[7]}' is neither YYYYMM nor GYYMM");
        if (!UkeDates.TryMonth(ir[7], convention, out var billing)) throw Structure(ir.Line, $"IR billing month '{ir[7]}' is not a month");
        if (!int.TryParse(ir[2], NumberStyles.None, CultureInfo.InvariantCulture, out var prefecture) || prefecture is < 1 or > 47)
            throw Structure(ir.Line, $"IR prefecture '{ir[2]}' is not 01–47");
        if (ir[4].Length != 7 || !ir[4].All(char.IsAsciiDigit)) throw Structure(ir.Line, $"IR facility code '{ir[4]}' is not 7 digits");
        return new UkeFacility(Path, prefecture, ir[4], billing, convention);
    }

    private ClaimsException Structure(int line, string message) => new($"{Path}:{line}: structure: {message}");

    public void Dispose() => _lines.Dispose();
}
