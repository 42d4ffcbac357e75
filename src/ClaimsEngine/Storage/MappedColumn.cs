using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Claims.Engine.Schema;

namespace Claims.Engine.Storage;

/// <summary>
/// One column of one partition, memory-mapped and read in place. The file is mapped (and, unless the dataset was
/// opened with eager verification, checksummed) on first use, so opening a large dataset costs nothing until a
/// query touches a column. Spans it returns are valid until the dataset is disposed.
/// </summary>
public sealed unsafe class MappedColumn : IDisposable
{
    private readonly string _path;
    private readonly ColumnFileEntry _entry;
    private readonly Lock _lock = new();
    private MemoryMappedFile? _file;
    private MemoryMappedViewAccessor? _view;
    private byte* _base;
    private ColumnFileHeader _header;
    private ColumnDictionary? _dictionary;
    private readonly WeakReference<Array?> _decoded = new(null);
    private volatile bool _mapped;

    internal MappedColumn(string path, string name, ColumnSchema schema, ColumnFileEntry entry, int rows)
    {
        _path = path;
        _entry = entry;
        Name = name;
        Schema = schema;
        RowCount = rows;
    }

    /// <summary>The file's path relative to the dataset, as errors name it.</summary>
    public string Name { get; }
    public ColumnSchema Schema { get; }
    public int RowCount { get; }
    public long Bytes => _entry.Bytes;

    public int BlockRows => Header.BlockRows;
    public int BlockCount => (int)((RowCount + (long)BlockRows - 1) / BlockRows);

    private ColumnFileHeader Header
    {
        get
        {
            EnsureMapped();
            return _header;
        }
    }

    /// <summary>
    /// The values in their logical storage type (<typeparamref name="T"/>: dictionary ids are int; hashes are bytes,
    /// 32 a row). Narrow dictionary ids are widened, and a constant column's one value repeated, into a copy at the
    /// type's width a row, shared while any span of it is alive and then left to the collector (a mapped file's pages
    /// the kernel can drop; a copy kept for the dataset's life it could not). Scans read <see cref="Stored{T}"/> by
    /// <see cref="StoredType"/>, and <see cref="IsConstant"/> columns not at all; copies and exports that visit rows
    /// use <see cref="Gather{T}"/>, which makes no copy.
    /// </summary>
    public ReadOnlySpan<T> Values<T>() where T : unmanaged
    {
        var type = Schema.Type;
        if (typeof(T) != type.StorageType())
            throw new SchemaException($"column {Schema} stores {type.StorageType().Name}, not {typeof(T).Name}");
        EnsureMapped();
        if (Header.ValueWidth != type.Width()) return Decoded<T>();
        var count = type == LogicalType.Hash ? (long)RowCount * type.Width() : RowCount;
        if (count > int.MaxValue)
            throw new StoreException(Name, $"holds {RowCount:N0} hashes, more than one span can address; read them row by row with Hash(row)");
        return new ReadOnlySpan<T>(_base + ColumnFileFormat.HeaderSize, (int)count);
    }

    /// <summary>Every row holds <see cref="Constant"/> and no row is null; the file stores no values, only zone maps.</summary>
    public bool IsConstant => Header.ValueWidth == 0;

    /// <summary>The one value of a constant column, as its zone maps hold it.</summary>
    public long Constant => IsConstant ? Zones[0].Min : throw new SchemaException($"column {Name} holds more than one value");

    /// <summary>
    /// How the values lie in the file: the schema's type, except that dictionary ids narrowed to one or two bytes
    /// are <see cref="LogicalType.Int8"/> or <see cref="LogicalType.Int16"/> (ids are never negative, so these read
    /// as their values).
    /// </summary>
    public LogicalType StoredType
    {
        get
        {
            var width = Header.ValueWidth;
            return !Schema.Type.IsDictionary() || width == 4 ? Schema.Type : width == 1 ? LogicalType.Int8 : LogicalType.Int16;
        }
    }

    /// <summary>The values as stored, read in place: <typeparamref name="T"/> is the storage type of <see cref="StoredType"/>.</summary>
    public ReadOnlySpan<T> Stored<T>() where T : unmanaged
    {
        var stored = StoredType;
        if (stored == Schema.Type) return Values<T>();
        if (typeof(T) != stored.StorageType())
            throw new SchemaException($"column {Schema} is stored as {stored.StorageType().Name}, not {typeof(T).Name}");
        return new ReadOnlySpan<T>(_base + ColumnFileFormat.HeaderSize, RowCount);
    }

    /// <summary>One row's dictionary id, read at its stored width without widening the column.</summary>
    public int Id(int row)
    {
        if ((uint)row >= (uint)RowCount) throw new ArgumentOutOfRangeException(nameof(row));
        return StoredType switch
        {
            LogicalType.Int8 => Stored<sbyte>()[row],
            LogicalType.Int16 => Stored<short>()[row],
            _ => Values<int>()[row],
        };
    }

    /// <summary>
    /// The values of <paramref name="rows"/> into <paramref name="into"/>, in the logical storage type, read in place
    /// whatever the encoding (no widened copy is made); a null row gives the zero its slot holds.
    /// </summary>
    public void Gather<T>(ReadOnlySpan<int> rows, Span<T> into) where T : unmanaged
    {
        if (typeof(T) != Schema.Type.StorageType() || Schema.Type == LogicalType.Hash)
            throw new SchemaException($"column {Schema} gathers {Schema.Type.StorageType().Name}, not {typeof(T).Name}");
        into = into[..rows.Length];
        if (IsConstant)
        {
            into.Fill(ConstantAs<T>());
            return;
        }
        var stored = StoredType;
        if (stored == Schema.Type)
        {
            var values = Values<T>();
            for (var i = 0; i < rows.Length; i++) into[i] = values[rows[i]];
        }
        else if (stored == LogicalType.Int8) GatherIds(Stored<sbyte>(), rows, MemoryMarshal.Cast<T, int>(into));
        else GatherIds(Stored<short>(), rows, MemoryMarshal.Cast<T, int>(into));
    }

    /// <summary>The constant at <typeparamref name="T"/>'s width: little-endian, so the long's low bytes.</summary>
    private T ConstantAs<T>() where T : unmanaged
    {
        var value = Constant;
        return Unsafe.As<long, T>(ref value);
    }

    private static void GatherIds<TId>(ReadOnlySpan<TId> ids, ReadOnlySpan<int> rows, Span<int> into) where TId : unmanaged, System.Numerics.IBinaryInteger<TId>
    {
        for (var i = 0; i < rows.Length; i++) into[i] = int.CreateTruncating(ids[rows[i]]);
    }

    /// <summary>Whether a widened or repeated copy of the values is alive (for tests of its lifetime).</summary>
    internal bool HoldsDecodedCopy => _decoded.TryGetTarget(out _);

    private ReadOnlySpan<T> Decoded<T>() where T : unmanaged
    {
        if (_decoded.TryGetTarget(out var cached) && cached is T[] values) return values;
        lock (_lock)
        {
            if (_decoded.TryGetTarget(out cached) && cached is T[] again) return again;
            var decoded = new T[RowCount];
            if (IsConstant) Array.Fill(decoded, ConstantAs<T>());
            else
            {
                var wide = (int[])(object)decoded;
                var stored = _base + ColumnFileFormat.HeaderSize;
                if (StoredType == LogicalType.Int8)
                    for (var i = 0; i < wide.Length; i++) wide[i] = ((sbyte*)stored)[i];
                else
                    for (var i = 0; i < wide.Length; i++) wide[i] = ((short*)stored)[i];
            }
            _decoded.SetTarget(decoded);
            return decoded;
        }
    }

    /// <summary>The stored values as raw bytes (rows × stored width, none for a constant column), 64-byte aligned.</summary>
    public ReadOnlySpan<byte> DataBytes
    {
        get
        {
            EnsureMapped();
            var bytes = (long)RowCount * Header.ValueWidth;
            if (bytes > int.MaxValue) throw new StoreException(Name, $"holds {bytes:N0} bytes of values, more than one span can address");
            return new ReadOnlySpan<byte>(_base + ColumnFileFormat.HeaderSize, (int)bytes);
        }
    }

    public bool HasNulls => (Header.Flags & ColumnFileFormat.FlagValidity) != 0;

    /// <summary>Arrow-style validity bitmap (bit set = present), or empty when the column has no nulls.</summary>
    public ReadOnlySpan<byte> ValidityBitmap =>
        HasNulls ? new ReadOnlySpan<byte>(_base + Header.ValidityOffset, Validity.ByteLength(RowCount)) : default;

    public bool IsNull(int row) => !Validity.IsValid(ValidityBitmap, row);

    /// <summary>
    /// The validity of rows [start, start + count) as selection words (bit set = present, all set when the column
    /// has no nulls); true when some row may be null. <paramref name="start"/> must be a multiple of 64, as block
    /// starts are, so the block's validity begins on a whole word.
    /// </summary>
    public bool ValidityWords(int start, int count, Span<ulong> words)
    {
        var validity = ValidityBitmap;
        if (validity.IsEmpty)
        {
            Kernels.Bitmap.SetAll(words, count);
            return false;
        }
        var bytes = validity.Slice(start >> 3, Math.Min(validity.Length - (start >> 3), words.Length * 8));
        words.Clear();
        bytes.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(words));
        if ((count & 63) != 0) words[^1] &= (1UL << (count & 63)) - 1;
        return true;
    }

    public ReadOnlySpan<ZoneEntry> Zones
    {
        get
        {
            // Map before reading _base: in `_base + Header.ZoneOffset` the pointer would be read first, still null.
            var header = Header;
            return new ReadOnlySpan<ZoneEntry>(_base + header.ZoneOffset, BlockCount);
        }
    }

    /// <summary>The sorted dictionary of a code or string column.</summary>
    public ColumnDictionary Dictionary
    {
        get
        {
            EnsureMapped();
            return _dictionary ?? throw new SchemaException($"column {Schema} is {Schema.Type.Name()}, not dictionary-encoded");
        }
    }

    /// <summary>One row's 32-byte hash; addressed by pointer, since a month of hashes can pass 2 GiB.</summary>
    public ReadOnlySpan<byte> Hash(int row)
    {
        if (Schema.Type != LogicalType.Hash) throw new SchemaException($"column {Schema} is {Schema.Type.Name()}, not a hash column");
        EnsureMapped();
        if ((uint)row >= (uint)RowCount) throw new ArgumentOutOfRangeException(nameof(row));
        return new ReadOnlySpan<byte>(_base + ColumnFileFormat.HeaderSize + (long)row * 32, 32);
    }

    /// <summary>One value as a CLR object (null, bool, sbyte, short, int, long, float, DateOnly, string); for display and export, not for scans.</summary>
    public object? GetValue(int row)
    {
        if (IsNull(row)) return null;
        return Schema.Type switch
        {
            LogicalType.Bool => Values<bool>()[row],
            LogicalType.Int8 => Values<sbyte>()[row],
            LogicalType.Int16 => Values<short>()[row],
            LogicalType.Int32 or LogicalType.Month => Values<int>()[row],
            LogicalType.Int64 => Values<long>()[row],
            LogicalType.Float32 => Values<float>()[row],
            LogicalType.Date => DateDays.ToDate(Values<int>()[row]),
            LogicalType.Code or LogicalType.String => Dictionary[Id(row)],
            LogicalType.Hash => Convert.ToHexStringLower(Hash(row)),
            _ => throw new InvalidOperationException($"no reader for {Schema.Type}"),
        };
    }

    /// <summary>
    /// Maps the file now and checks its size and checksum, whatever the dataset's verification mode; again on every
    /// call, so a scrub finds a file changed since it was first read. The size comes first: reading a mapping past
    /// the end of a file cut short since would kill the process (SIGBUS) instead of failing.
    /// </summary>
    public void Verify()
    {
        CheckSize();
        var fresh = !_mapped;
        EnsureMapped();
        // Mapping it just now checked it already.
        if (fresh && VerifyOnMap) return;
        VerifyChecksum();
    }

    internal bool VerifyOnMap { get; init; } = true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EnsureMapped()
    {
        if (!_mapped) Map();
    }

    private void Map()
    {
        lock (_lock)
        {
            if (_mapped) return;
            CheckSize();
            _file = MemoryMappedFile.CreateFromFile(_path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _base = pointer + _view.PointerOffset;
            try
            {
                if (VerifyOnMap) VerifyChecksum();
                ReadLayout();
            }
            catch
            {
                Unmap();
                throw;
            }
            _mapped = true;
        }
    }

    private void CheckSize()
    {
        var info = new FileInfo(_path);
        if (!info.Exists) throw new StoreException(Name, "is missing");
        if (info.Length != _entry.Bytes)
            throw new StoreException(Name, $"is truncated or overwritten: {info.Length} bytes, the manifest says {_entry.Bytes}");
    }

    private void VerifyChecksum()
    {
        var actual = Checksum.Of(_base, _entry.Bytes);
        if (actual != _entry.Xxh3)
            throw new StoreException(Name, $"checksum mismatch: xxh3 {actual}, the manifest says {_entry.Xxh3}");
    }

    private void ReadLayout()
    {
        var header = ColumnFileFormat.ReadHeader(new ReadOnlySpan<byte>(_base, ColumnFileFormat.HeaderSize), Name);
        var length = _entry.Bytes;
        if (header.Type != Schema.Type || header.RowCount != RowCount || header.FileLength != length || header.BlockRows <= 0)
            throw new StoreException(Name, $"header ({header.Type.Name()}, {header.RowCount} rows, {header.FileLength} bytes) does not match the manifest");
        var dataEnd = ColumnFileFormat.HeaderSize + (long)RowCount * header.ValueWidth;
        var blocks = (RowCount + (long)header.BlockRows - 1) / header.BlockRows;
        var zonesFit = header.ZoneOffset >= dataEnd && header.ZoneOffset + blocks * Unsafe.SizeOf<ZoneEntry>() <= length;
        var validityFits = (header.Flags & ColumnFileFormat.FlagValidity) == 0
                           || header.ValidityOffset >= dataEnd && header.ValidityOffset + Validity.ByteLength(RowCount) <= length;
        var dictionaryFits = (header.Flags & ColumnFileFormat.FlagDictionary) == 0
                             || header.DictionaryOffset >= dataEnd && header.DictionaryOffset < length;
        if (!zonesFit || !validityFits || !dictionaryFits)
            throw new StoreException(Name, "section offsets lie outside the file");
        // A constant column has no nulls by definition, and narrow ids must hold every id of the dictionary.
        if (header.ValueWidth == 0 && ((header.Flags & ColumnFileFormat.FlagValidity) != 0 || RowCount == 0))
            throw new StoreException(Name, "header says every row holds one value, yet the column has nulls or no rows");
        _header = header;
        if ((header.Flags & ColumnFileFormat.FlagDictionary) != 0)
        {
            var dictionary = new ColumnDictionary(_base + header.DictionaryOffset, length - header.DictionaryOffset, Name);
            if (header.ValueWidth < 4 && header.ValueWidth < ColumnFileFormat.IdWidth(dictionary.Count))
                throw new StoreException(Name, $"header gives {header.ValueWidth}-byte ids for a dictionary of {dictionary.Count:N0} entries");
            _dictionary = dictionary;
        }
    }

    private void Unmap()
    {
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _view = null;
        }
        _file?.Dispose();
        _file = null;
        _base = null;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            Unmap();
            _mapped = false;
            _decoded.SetTarget(null);
        }
    }
}
