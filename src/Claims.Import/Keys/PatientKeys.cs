using System.Text;
using Claims.Engine.Linkage;

namespace Claims.Import.Keys;

/// <summary>
/// id1 and id2 of a receipt, made at import as the NDB makes them, so names and card numbers never reach the
/// store. Text is NFKC-normalised with spaces removed first: facilities write the same card or name in full- or
/// half-width and with or without the space between family and given name, and those must hash alike.
/// </summary>
internal sealed class PatientKeys(byte[] salt)
{
    private readonly IdentityHasher _hasher = new(salt);

    /// <summary>id1 from the insurer (or public payer) number, the card's symbol and number, birth date and sex.</summary>
    public byte[] Id1(string insurer, string symbol, string number, DateOnly birth, int sex)
    {
        var hash = new byte[32];
        _hasher.Id1(Normalise(insurer), $"{Normalise(symbol)}・{Normalise(number)}", birth, sex, hash);
        return hash;
    }

    /// <summary>id2 from the name (the kana name where the RE record has one), birth date and sex.</summary>
    public byte[] Id2(string name, DateOnly birth, int sex)
    {
        var hash = new byte[32];
        _hasher.Id2(Normalise(name), birth, sex, hash);
        return hash;
    }

    private static string Normalise(string text)
    {
        // Printable ASCII without spaces (most insurer numbers) is its own NFKC form: skip the ICU call.
        if (!text.AsSpan().ContainsAnyExceptInRange('!', '~')) return text;
        var normal = text.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(normal.Length);
        foreach (var c in normal)
            if (!char.IsWhiteSpace(c)) builder.Append(c);
        return builder.ToString();
    }
}
