using System.Runtime.InteropServices;

namespace Claims.Engine.Linkage;

/// <summary>
/// A 32-byte identity hash (id1, id2, id5) held by value, so a hash table of them stores no per-key object:
/// 32 bytes of key instead of a byte[] (24 bytes of header and length plus a pointer).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct Hash256(ulong A, ulong B, ulong C, ulong D)
{
    public const int Size = 32;

    /// <summary>The hash of row <paramref name="row"/> in a hash column's bytes (32 a row).</summary>
    public static Hash256 At(ReadOnlySpan<byte> column, int row) => MemoryMarshal.Read<Hash256>(column.Slice(row * Size, Size));

    public static Hash256 From(ReadOnlySpan<byte> bytes) =>
        bytes.Length == Size ? MemoryMarshal.Read<Hash256>(bytes) : throw new ArgumentException($"a hash is {Size} bytes, not {bytes.Length}", nameof(bytes));

    // Every word takes part: real ids are SHA-256 and uniform, but a hash that differs only in its tail must
    // still spread (test data and hand-made hashes do).
    public override int GetHashCode() => (int)((A ^ B * 0x9E3779B97F4A7C15UL ^ C * 0xC2B2AE3D27D4EB4FUL ^ D * 0x165667B19E3779F9UL) * 0xD6E8FEB86659FD93UL >> 32);

    public bool Equals(Hash256 other) => A == other.A && B == other.B && C == other.C && D == other.D;
}

/// <summary>An id2 with its guard: sex and birth month (YYYYMM, or 0 where unknown), as the published ID0 method requires.</summary>
internal readonly record struct GuardedHash(Hash256 Hash, sbyte Sex, int BirthMonth)
{
    public override int GetHashCode() => Hash.GetHashCode() ^ (BirthMonth * 31 + Sex) * -1640531535;

    public bool Equals(GuardedHash other) => Hash.Equals(other.Hash) && Sex == other.Sex && BirthMonth == other.BirthMonth;
}
