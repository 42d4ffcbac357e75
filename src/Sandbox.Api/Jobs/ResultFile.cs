using System.Security.Cryptography;

namespace Claims.Sandbox.Jobs;

/// <summary>A job's result file on disk: its checksum, and how the download names it in headers.</summary>
public static class ResultFile
{
    public static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// The checksum in the three spellings clients look for: X-Checksum-SHA256 (hex), Repr-Digest (RFC 9530) and
    /// the older Digest (RFC 3230), both base64.
    /// </summary>
    public static void WriteChecksumHeaders(IHeaderDictionary headers, string sha256Hex)
    {
        var base64 = Convert.ToBase64String(Convert.FromHexString(sha256Hex));
        headers["X-Checksum-SHA256"] = sha256Hex;
        headers["Repr-Digest"] = $"sha-256=:{base64}:";
        headers["Digest"] = $"sha-256={base64}";
    }
}
