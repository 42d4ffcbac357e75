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
    /// The file opened, its bytes checked against <paramref name="sha256Hex"/>, and rewound for sending; null with
    /// <paramref name="damage"/> saying why when it is missing or does not match.
    /// </summary>
    public static FileStream? OpenVerified(string path, string sha256Hex, out string? damage)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 20);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            damage = "is missing";
            return null;
        }
        if (Convert.ToHexStringLower(SHA256.HashData(stream)) != sha256Hex)
        {
            stream.Dispose();
            damage = "does not match its SHA-256";
            return null;
        }
        stream.Position = 0;
        damage = null;
        return stream;
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
