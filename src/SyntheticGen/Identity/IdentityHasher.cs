using System.Security.Cryptography;
using System.Text;

namespace Claims.SyntheticGen.Identity;

/// <summary>
/// The NDB's patient hashes, salted per dataset so that hashes from two datasets never match:
/// id1 from insurer number, symbol/number, birth date and sex; id2 from name, birth date and sex; id5 from the
/// oldest individual insured number. 256-bit, as the store's hash columns hold them.
/// </summary>
public sealed class IdentityHasher(ulong salt)
{
    private readonly byte[] _salt = BitConverter.GetBytes(salt);

    public void Id1(long insurerNumber, long symbolNumber, DateOnly birth, int sex, Span<byte> destination) =>
        Hash(destination, $"1|{insurerNumber}|{symbolNumber}|{birth:yyyyMMdd}|{sex}");

    public void Id2(string name, DateOnly birth, int sex, Span<byte> destination) =>
        Hash(destination, $"2|{name}|{birth:yyyyMMdd}|{sex}");

    public void Id5(long oldestInsuredNumber, Span<byte> destination) =>
        Hash(destination, $"5|{oldestInsuredNumber}");

    private void Hash(Span<byte> destination, string text)
    {
        Span<byte> input = stackalloc byte[8 + Encoding.UTF8.GetMaxByteCount(text.Length)];
        _salt.CopyTo(input);
        var length = 8 + Encoding.UTF8.GetBytes(text, input[8..]);
        SHA256.HashData(input[..length], destination);
    }
}
