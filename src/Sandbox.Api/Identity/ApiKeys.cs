using System.Security.Cryptography;
using System.Text;

namespace Claims.Sandbox.Identity;

/// <summary>
/// Bearer keys: 32 random bytes, base64url, with a recognisable prefix so a leaked key is easy to spot in logs.
/// Only the SHA-256 of a key is stored; a key with 256 bits of entropy needs no salt or slow hash.
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "clm_";

    public static string New() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
