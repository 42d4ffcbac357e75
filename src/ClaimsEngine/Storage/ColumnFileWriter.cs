using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Claims.Engine.Schema;

namespace Claims.Engine.Storage;

/// <summary>
/// Streams one column of one partition to its file. Values go to disk as they arrive; sealing then rewrites
/// dictionary ids into sorted order and narrows them, computes the zone maps block by block (dropping the values
/// of a column that holds one), appends the validity bitmap, zone maps and dictionary, writes the header, flushes
/// to disk and checksums the file.
/// </summary>
internal sealed class ColumnFileWriter : IDisposable
{
    private readonly string _path;
    private readonly ColumnSchema _column;
    private readonly int _blockRows;
    private readonly FileStream _stream;
    private readonly DictionaryBuilder? _dictionary;
    private long _rows;
    private byte[]? _validity;

    public ColumnFileWriter(string path, ColumnSchema column, int blockRows)
    {
        _path = path;
        _column = column;
        _blockRows = blockRows;
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        _stream.Write(new byte[ColumnFileFormat.HeaderSize]);
        _dictionary = column.Type.IsDictionary() ? new DictionaryBuilder() : null;
    }

    public long Rows => _rows;

    /// <summary>Fixed-width values (for hashes: 32 bytes a row); <paramref name="nulls"/> is empty or one flag a row.</summary>
    public void Append<T>(ReadOnlySpan<T> values, ReadOnlySpan<bool> nulls) where T : unmanaged
    {
        var width = _column.Type.Width();
        var rows = MemoryMarshal.AsBytes(values).Length / width;
        if (nulls.Contains(true))
        {
            // The format promises a null slot holds zero, whatever the caller left in it.
            var copy = MemoryMarshal.AsBytes(values).ToArray();
            for (var r = 0; r < rows; r++)
                if (nulls[r]) copy.AsSpan(r * width, width).Clear();
            _stream.Write(copy);
        }
        else _stream.Write(MemoryMarshal.AsBytes(values));
        MarkValidity(rows, nulls);
    }

    public void AppendStrings(ReadOnlySpan<string?> values)
    {
        var ids = ArrayPool<int>.Shared.Rent(values.Length);
        var nulls = ArrayPool<bool>.Shared.Rent(values.Length);
        try
        {
            for (var i = 0; i < values.Length; i++)
            {
                nulls[i] = values[i] is null;
                ids[i] = values[i] is { } s ? _dictionary!.IdOf(s) : 0;
            }
            _stream.Write(MemoryMarshal.AsBytes(ids.AsSpan(0, values.Length)));
            MarkValidity(values.Length, nulls.AsSpan(0, values.Length));
        }
        finally
        {
            ArrayPool<int>.Shared.Return(ids);
            ArrayPool<bool>.Shared.Return(nulls);
        }
    }

    private void MarkValidity(int rows, ReadOnlySpan<bool> nulls)
    {
        var start = _rows;
        _rows += rows;
        if (_validity is null)
        {
            var firstNull = nulls.IndexOf(true);
            if (firstNull < 0) return;
            // The first null: from here on every row needs a bit, and all rows before it were present.
            _validity = new byte[Math.Max(64, Validity.ByteLength(_rows) * 2)];
            for (long r = 0; r < start; r++) SetBit(r);
        }
        EnsureValidityCapacity();
        for (var i = 0; i < rows; i++)
        {
            if (nulls.IsEmpty || !nulls[i]) SetBit(start + i);
        }
    }

    private void EnsureValidityCapacity()
    {
        var needed = Validity.ByteLength(_rows);
        if (needed > _validity!.Length) Array.Resize(ref _validity, Math.Max(needed, _validity.Length * 2));
    }

    private void SetBit(long row) => _validity![row >> 3] |= (byte)(1 << (int)(row & 7));

    public ColumnFileEntry Seal()
    {
        var width = _column.Type.Width();
        byte[][]? sortedDictionary = null;
        int[]? remap = null;
        if (_dictionary is not null) (sortedDictionary, remap) = _dictionary.Seal();
        // Ids arrive four bytes wide and are narrowed in place: a block's narrow ids end no later than its wide ones
        // did, so writing block b only overwrites blocks already read.
        var storedWidth = sortedDictionary is null ? width : ColumnFileFormat.IdWidth(sortedDictionary.Length);
        var validity = _validity is null ? ReadOnlySpan<byte>.Empty : _validity.AsSpan(0, Validity.ByteLength(_rows));

        _stream.Flush();
        var handle = _stream.SafeFileHandle;
        var blocks = (int)((_rows + _blockRows - 1) / _blockRows);
        var zones = new ZoneEntry[blocks];
        var buffer = ArrayPool<byte>.Shared.Rent(_blockRows * width);
        try
        {
            for (var b = 0; b < blocks; b++)
            {
                var firstRow = (long)b * _blockRows;
                var rows = (int)Math.Min(_blockRows, _rows - firstRow);
                var span = buffer.AsSpan(0, rows * width);
                RandomAccess.Read(handle, span, ColumnFileFormat.HeaderSize + firstRow * width);
                if (remap is not null)
                {
                    var ids = MemoryMarshal.Cast<byte, int>(span);
                    for (var i = 0; i < ids.Length; i++)
                        ids[i] = Validity.IsValid(validity, firstRow + i) ? remap[ids[i]] : 0;
                    zones[b] = ZoneBuilder.Compute(_column.Type, span, validity, firstRow);
                    RandomAccess.Write(handle, Narrow(ids, storedWidth), ColumnFileFormat.HeaderSize + firstRow * storedWidth);
                }
                else zones[b] = ZoneBuilder.Compute(_column.Type, span, validity, firstRow);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (IsConstant(zones, validity)) storedWidth = 0;
        _stream.Position = ColumnFileFormat.HeaderSize + _rows * storedWidth;
        var validityOffset = 0L;
        if (!validity.IsEmpty)
        {
            validityOffset = Pad();
            _stream.Write(validity);
        }
        var zoneOffset = Pad();
        _stream.Write(MemoryMarshal.AsBytes(zones.AsSpan()));
        var dictionaryOffset = 0L;
        if (sortedDictionary is not null)
        {
            dictionaryOffset = Pad();
            WriteDictionary(sortedDictionary);
        }
        var length = _stream.Position;
        // Narrowed ids leave the wide ones' tail beyond the sections just written.
        _stream.SetLength(length);
        var flags = (byte)((validity.IsEmpty ? 0 : ColumnFileFormat.FlagValidity) | (sortedDictionary is null ? 0 : ColumnFileFormat.FlagDictionary));
        Span<byte> header = stackalloc byte[ColumnFileFormat.HeaderSize];
        ColumnFileFormat.WriteHeader(header, new ColumnFileHeader(_column.Type, flags, _blockRows, _rows, validityOffset, zoneOffset, dictionaryOffset, length, storedWidth));
        _stream.Position = 0;
        _stream.Write(header);
        _stream.Flush(flushToDisk: true);
        return new ColumnFileEntry(_column.Name, Path.GetFileName(_path), length, Checksum.OfFile(handle, length));
    }

    /// <summary>One value in every row, which the zone maps then hold: its values need not be stored or read.</summary>
    private bool IsConstant(ZoneEntry[] zones, ReadOnlySpan<byte> validity) =>
        ColumnFileFormat.CanBeConstant(_column.Type) && validity.IsEmpty && zones.Length > 0
        && zones.All(z => z.Min == zones[0].Min && z.Max == zones[0].Min);

    /// <summary>The ids at <paramref name="width"/> bytes, written over the front of their own buffer.</summary>
    private static ReadOnlySpan<byte> Narrow(Span<int> ids, int width)
    {
        switch (width)
        {
            case 1:
                var bytes = MemoryMarshal.Cast<int, sbyte>(ids);
                for (var i = 0; i < ids.Length; i++) bytes[i] = (sbyte)ids[i];
                break;
            case 2:
                var shorts = MemoryMarshal.Cast<int, short>(ids);
                for (var i = 0; i < ids.Length; i++) shorts[i] = (short)ids[i];
                break;
        }
        return MemoryMarshal.AsBytes(ids)[..(ids.Length * width)];
    }

    private long Pad()
    {
        var aligned = ColumnFileFormat.Align(_stream.Position);
        Span<byte> zeros = stackalloc byte[ColumnFileFormat.Alignment];
        _stream.Write(zeros[..(int)(aligned - _stream.Position)]);
        return aligned;
    }

    /// <summary>count (int32), reserved (int32), offsets (int32 × count+1, from the start of the bytes), UTF-8 bytes.</summary>
    private void WriteDictionary(byte[][] sorted)
    {
        Span<byte> int32 = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(int32, sorted.Length);
        _stream.Write(int32);
        BinaryPrimitives.WriteInt32LittleEndian(int32, 0);
        _stream.Write(int32);
        var offset = 0;
        foreach (var value in sorted)
        {
            BinaryPrimitives.WriteInt32LittleEndian(int32, offset);
            _stream.Write(int32);
            offset = checked(offset + value.Length);
        }
        BinaryPrimitives.WriteInt32LittleEndian(int32, offset);
        _stream.Write(int32);
        foreach (var value in sorted) _stream.Write(value);
    }

    public void Dispose() => _stream.Dispose();
}

/// <summary>What the manifest records of one column file.</summary>
public sealed record ColumnFileEntry(string Column, string File, long Bytes, string Xxh3);
