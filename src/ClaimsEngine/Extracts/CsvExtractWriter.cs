using System.Globalization;
using System.Text;
using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.Engine.Extracts;

/// <summary>
/// An extract as CSV: UTF-8 without a byte-order mark, a header row, RFC 4180 quoting and CRLF line ends. NULL
/// is an empty field and an empty string is "" (quoted), so the two stay apart; dates are ISO (yyyy-MM-dd),
/// months YYYYMM, booleans true/false, numbers in the invariant culture.
/// </summary>
internal sealed class CsvExtractWriter : IExtractWriter
{
    private readonly StreamWriter _writer;
    private readonly char[] _scratch = new char[64];

    public CsvExtractWriter(string path, ExtractBatch batch)
    {
        _writer = new StreamWriter(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20), new UTF8Encoding(false), 1 << 16);
        _writer.Write(string.Join(',', batch.Columns.Select(c => CsvField.Quote(c.Name))));
        _writer.Write("\r\n");
    }

    public void Write(ExtractBatch batch)
    {
        for (var row = 0; row < batch.Count; row++)
        {
            for (var c = 0; c < batch.Buffers.Count; c++)
            {
                if (c > 0) _writer.Write(',');
                Cell(batch.Buffers[c], row);
            }
            _writer.Write("\r\n");
        }
    }

    private void Cell(ColumnBuffer buffer, int row)
    {
        switch (buffer)
        {
            case ValueBuffer<bool> b when b.Values[row] is { } value: _writer.Write(value ? "true" : "false"); break;
            case ValueBuffer<sbyte> b when b.Values[row] is { } value: Number(value); break;
            case ValueBuffer<short> b when b.Values[row] is { } value: Number(value); break;
            case ValueBuffer<int> b when b.Values[row] is { } value: Number(value); break;
            case ValueBuffer<long> b when b.Values[row] is { } value: Number(value); break;
            case ValueBuffer<float> b when b.Values[row] is { } value: Number(value); break;
            case DateBuffer b when b.Values[row] is { } value:
                DateDays.ToDate(value.Days).TryFormat(_scratch, out var written, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                _writer.Write(_scratch, 0, written);
                break;
            case StringBuffer b when b.Values[row] is { } value: _writer.Write(value.Length == 0 ? "\"\"" : CsvField.Quote(value)); break;
        }
    }

    private void Number<T>(T value) where T : ISpanFormattable
    {
        value.TryFormat(_scratch, out var written, default, CultureInfo.InvariantCulture);
        _writer.Write(_scratch, 0, written);
    }

    public void Complete()
    {
        _writer.Flush();
        ((FileStream)_writer.BaseStream).Flush(flushToDisk: true);
    }

    public void Dispose() => _writer.Dispose();
}
