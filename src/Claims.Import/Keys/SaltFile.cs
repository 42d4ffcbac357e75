using System.Security.Cryptography;
using Claims.Engine;

namespace Claims.Import.Keys;

/// <summary>
/// The custodian's secret salt for id1 and id2: 32 random bytes as 64 hex digits. Made once, readable by its owner
/// only (0600), and kept outside the dataset, so hashes cannot be recomputed from names by anyone holding the data.
/// </summary>
internal static class SaltFile
{
    private const int Bytes = 32;

    /// <summary>The salt in <paramref name="path"/>, created first when the file does not exist.</summary>
    public static byte[] LoadOrCreate(string path)
    {
        if (!File.Exists(path)) Create(path);
        var text = File.ReadAllText(path).Trim();
        try
        {
            var salt = Convert.FromHexString(text);
            if (salt.Length >= 16) return salt;
        }
        catch (FormatException)
        {
            // Falls through to the one message for any malformed salt.
        }
        throw new ClaimsException($"--salt-file '{path}' does not hold a salt (at least 32 hex digits); it is made when missing, so point at a new path or the custodian's file");
    }

    private static void Create(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var writer = new StreamWriter(path, options);
        writer.WriteLine(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(Bytes)));
    }
}
