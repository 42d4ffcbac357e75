using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Claims.Engine.Linkage;

/// <summary>
/// The NDB's patient hashes, salted per dataset so that hashes from two datasets never match:
/// id1 from insurer number, symbol/number, birth date and sex; id2 from name, birth date and sex; id5 from the
/// oldest individual insured number. 256-bit, as the store's hash columns hold them. The generator and the UKE
/// importer both hash here, so a person's keys are made from the same text whichever way the data came in.
/// </summary>
public sealed class IdentityHasher
{
    private readonly byte[] _salt;

    public IdentityHasher(ulong salt) : this(BitConverter.GetBytes(salt))
    {
    }

    public IdentityHasher(byte[] salt)
    {
        ArgumentOutOfRangeException.ThrowIfZero(salt.Length);
        _salt = [.. salt];
    }

    public void Id1(long insurerNumber, long symbolNumber, DateOnly birth, int sex, Span<byte> destination) =>
        Id1(insurerNumber.ToString(CultureInfo.InvariantCulture), symbolNumber.ToString(CultureInfo.InvariantCulture), birth, sex, destination);

    /// <summary>id1 from the numbers as written on the insurance card (UKE HO, or KO for public-payer-only claims).</summary>
    public void Id1(string insurerNumber, string symbolNumber, DateOnly birth, int sex, Span<byte> destination) =>
        Hash(destination, $"1|{insurerNumber}|{symbolNumber}|{birth:yyyyMMdd}|{sex}");

    public void Id2(string name, DateOnly birth, int sex, Span<byte> destination) =>
        Hash(destination, $"2|{name}|{birth:yyyyMMdd}|{sex}");

    public void Id5(long oldestInsuredNumber, Span<byte> destination) =>
        Hash(destination, $"5|{oldestInsuredNumber}");

    private void Hash(Span<byte> destination, string text)
    {
        var input = new byte[_salt.Length + Encoding.UTF8.GetByteCount(text)];
        _salt.CopyTo(input, 0);
        Encoding.UTF8.GetBytes(text, input.AsSpan(_salt.Length));
        SHA256.HashData(input, destination);
    }
}
