namespace Claims.Engine.Storage;

/// <summary>Validity bitmaps as Arrow lays them out: bit set = value present, least significant bit first.</summary>
internal static class Validity
{
    /// <summary>True when the row holds a value; an empty bitmap means the column has no nulls.</summary>
    public static bool IsValid(ReadOnlySpan<byte> bitmap, long row) =>
        bitmap.IsEmpty || (bitmap[(int)(row >> 3)] & (1 << (int)(row & 7))) != 0;

    public static int ByteLength(long rows) => checked((int)((rows + 7) >> 3));
}
