using System.Buffers;
using System.Text;
using Claims.Engine;

namespace Claims.Import.Reading;

/// <summary>
/// The lines of one UKE file, decoded one at a time as code page 932, so a byte that is not CP932 is reported on
/// its own line and memory stays at one buffer whatever the file's size. LF and CRLF both end a line; the 0x1A
/// (EOF) byte some writers append after the last line is dropped.
/// </summary>
internal sealed class UkeLineReader : IDisposable
{
    private const byte EndOfFile = 0x1A;

    private readonly Stream _stream;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
    private int _start, _end;
    private bool _eof;

    public UkeLineReader(string path)
    {
        Path = path;
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
    }

    public string Path { get; }

    /// <summary>The 1-based number of the line last returned.</summary>
    public int LineNumber { get; private set; }

    /// <summary>The next line without its terminator, or null at the end of the file.</summary>
    public string? ReadLine()
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline < 0 && !_eof)
            {
                Fill();
                continue;
            }
            if (newline < 0 && _start == _end) return null;
            var length = newline < 0 ? _end - _start : newline;
            var bytes = _buffer.AsSpan(_start, length);
            _start += newline < 0 ? length : length + 1;
            LineNumber++;
            if (bytes.Length > 0 && bytes[^1] == (byte)'\r') bytes = bytes[..^1];
            var endOfFile = bytes.IndexOf(EndOfFile);
            if (endOfFile < 0) return Decode(bytes);
            if (endOfFile < bytes.Length - 1)
                throw new ClaimsException($"{Path}:{LineNumber}: encoding: the end-of-file byte 0x1A stands inside the line");
            // Decoded before looking further: reading on may move the buffer under the span.
            var text = Decode(bytes[..^1]);
            // The EOF byte is tolerated where it belongs: after everything else.
            if (!RestIsBlank())
                throw new ClaimsException($"{Path}:{LineNumber}: encoding: the end-of-file byte 0x1A comes before the end of the file");
            if (text.Length > 0) return text;
        }
    }

    private bool RestIsBlank()
    {
        while (true)
        {
            if (_buffer.AsSpan(_start, _end - _start).IndexOfAnyExcept("\r\n\u001a"u8) >= 0) return false;
            _start = _end;
            if (_eof) return true;
            Fill();
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            // One line longer than the buffer: grow rather than split it.
            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _end).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0) _eof = true;
        _end += read;
    }

    private string Decode(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return Cp932.Encoding.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            var bytesUnknown = string.Join(" ", (e.BytesUnknown ?? []).Select(b => $"0x{b:X2}"));
            throw new ClaimsException($"{Path}:{LineNumber}: encoding: {bytesUnknown} at byte {e.Index + 1} of the line is not code page 932 (Shift_JIS as Windows writes it)");
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
