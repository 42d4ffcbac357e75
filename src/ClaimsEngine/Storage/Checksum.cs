using System.Buffers;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace Claims.Engine.Storage;

/// <summary>XXH3-64 checksums of whole files, as 16 lowercase hex digits.</summary>
internal static class Checksum
{
    private const int ChunkSize = 1 << 22;

    public static string OfFile(SafeFileHandle handle, long length)
    {
        var hash = new XxHash3();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            for (long offset = 0; offset < length;)
            {
                var read = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(ChunkSize, length - offset)), offset);
                if (read == 0) break;
                hash.Append(buffer.AsSpan(0, read));
                offset += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return Format(hash.GetCurrentHashAsUInt64());
    }

    public static unsafe string Of(byte* data, long length)
    {
        var hash = new XxHash3();
        for (long offset = 0; offset < length; offset += ChunkSize)
            hash.Append(new ReadOnlySpan<byte>(data + offset, (int)Math.Min(ChunkSize, length - offset)));
        return Format(hash.GetCurrentHashAsUInt64());
    }

    private static string Format(ulong hash) => hash.ToString("x16");
}
