using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Claims.Engine.Schema;

namespace Claims.Engine.Storage;

/// <summary>
/// One column of one partition in one file, read by memory mapping without copying:
/// <code>
///   [header 64 B][values: rows × width, little-endian][validity bitmap][zone maps][dictionary]
/// </code>
/// Every section starts on a 64-byte boundary so mapped values are aligned for the widest vector loads. The
/// validity bitmap (bit set = value present, LSB first, as in Arrow) is present only when the column has nulls;
/// a null slot holds zero. Dictionary-encoded columns store ids into a sorted UTF-8 dictionary, so a code
/// prefix is a contiguous id range; since version 2 the ids are as narrow as the dictionary allows (one byte up to
/// 128 entries, two up to 32,768, else four: the header's value width), because out of core the bytes read
/// decide a scan's speed. A column of one value and no nulls (the month of a month's partition) stores no values
/// at all: the header's value width is 0 and the zone maps hold the value. Version 1 files (four-byte ids, no
/// width in the header) are still read.
/// </summary>
internal static class ColumnFileFormat
{
    public const int HeaderSize = 64;
    public const int Alignment = 64;
    public const int Version = 2;
    private const int FirstReadableVersion = 1;
    public static ReadOnlySpan<byte> Magic => "CLMCOL\0\0"u8;

    public const byte FlagValidity = 1;
    public const byte FlagDictionary = 2;

    public static long Align(long offset) => (offset + Alignment - 1) & ~(long)(Alignment - 1);

    public static void WriteHeader(Span<byte> header, in ColumnFileHeader h)
    {
        header.Clear();
        Magic.CopyTo(header);
        header[8] = (byte)h.Type;
        header[9] = h.Flags;
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], h.BlockRows);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], h.RowCount);
        BinaryPrimitives.WriteInt64LittleEndian(header[24..], h.ValidityOffset);
        BinaryPrimitives.WriteInt64LittleEndian(header[32..], h.ZoneOffset);
        BinaryPrimitives.WriteInt64LittleEndian(header[40..], h.DictionaryOffset);
        BinaryPrimitives.WriteInt64LittleEndian(header[48..], h.FileLength);
        header[56] = (byte)h.ValueWidth;
    }

    /// <summary>Types whose one value a zone map holds exactly (not floats, hashes or dictionary ids).</summary>
    public static bool CanBeConstant(LogicalType type) =>
        type is LogicalType.Int8 or LogicalType.Int16 or LogicalType.Int32 or LogicalType.Int64 or LogicalType.Month or LogicalType.Date;

    /// <summary>The narrowest id that holds every id of a dictionary of <paramref name="entries"/> values, signed as the kernels read it.</summary>
    public static int IdWidth(int entries) => entries <= sbyte.MaxValue + 1 ? 1 : entries <= short.MaxValue + 1 ? 2 : 4;

    public static ColumnFileHeader ReadHeader(ReadOnlySpan<byte> header, string file)
    {
        if (header.Length < HeaderSize || !header[..8].SequenceEqual(Magic))
            throw new StoreException(file, "not a Claims column file (bad magic)");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(header[10..]);
        if (version is < FirstReadableVersion or > Version)
            throw new StoreException(file, $"column file format version {version} is not supported (this build reads versions {FirstReadableVersion} to {Version})");
        var type = (LogicalType)header[8];
        if (!Enum.IsDefined(type))
            throw new StoreException(file, $"header names column type {header[8]}, which this build does not know");
        var width = version == 1 ? type.Width() : header[56];
        var widthFits = type.IsDictionary() ? width is 1 or 2 or 4 : width == type.Width() || width == 0 && CanBeConstant(type);
        if (!widthFits)
            throw new StoreException(file, $"header gives {width}-byte values for a {type.Name()} column");
        return new ColumnFileHeader(
            type,
            header[9],
            BinaryPrimitives.ReadInt32LittleEndian(header[12..]),
            BinaryPrimitives.ReadInt64LittleEndian(header[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(header[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(header[32..]),
            BinaryPrimitives.ReadInt64LittleEndian(header[40..]),
            BinaryPrimitives.ReadInt64LittleEndian(header[48..]),
            width);
    }
}

internal readonly record struct ColumnFileHeader(
    LogicalType Type,
    byte Flags,
    int BlockRows,
    long RowCount,
    long ValidityOffset,
    long ZoneOffset,
    long DictionaryOffset,
    long FileLength,
    int ValueWidth);

/// <summary>
/// Min and max of the non-null values of one block, with its null and value counts. Integer-like columns (and
/// dictionary ids) keep their values; float columns keep the bits of a double; hash columns keep zeros.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct ZoneEntry(long Min, long Max, long NullCount, long ValueCount)
{
    public double MinDouble => BitConverter.Int64BitsToDouble(Min);
    public double MaxDouble => BitConverter.Int64BitsToDouble(Max);

    /// <summary>Every row of the block is null: any value predicate prunes it.</summary>
    public bool IsEmpty => ValueCount == 0;
}
