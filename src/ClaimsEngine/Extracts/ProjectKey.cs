using System.Security.Cryptography;

namespace Claims.Engine.Extracts;

/// <summary>The project key file: random bytes that only the data custodian holds, read or created with owner-only permissions.</summary>
public static class ProjectKey
{
    public const int MinimumBytes = 32;

    /// <summary>The key in <paramref name="path"/>; when there is no such file, a new random key written there (created is then true).</summary>
    public static byte[] ReadOrCreate(string path, out bool created)
    {
        created = false;
        if (File.Exists(path)) return Read(path);
        var key = RandomNumberGenerator.GetBytes(MinimumBytes);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(path, options))
        {
            stream.Write(key);
            stream.Flush(flushToDisk: true);
        }
        created = true;
        return key;
    }

    public static byte[] Read(string path)
    {
        var key = File.ReadAllBytes(path);
        Check(key, path);
        return key;
    }

    public static void Check(byte[] key, string name)
    {
        if (key.Length < MinimumBytes)
            throw new ClaimsException($"key file '{name}' holds {key.Length} bytes; a project key needs at least {MinimumBytes} random bytes");
    }

    /// <summary>Names the key in a manifest without revealing it: the first 8 hex digits of its SHA-256.</summary>
    public static string Fingerprint(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key))[..8];
}
