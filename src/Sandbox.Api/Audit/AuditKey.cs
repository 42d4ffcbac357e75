using System.Security.Cryptography;
using System.Text;
using Claims.Sandbox.Hosting;

namespace Claims.Sandbox.Audit;

/// <summary>
/// The secret that signs the audit log's head. It anchors the log only when it is kept away from the data folder
/// (CLAIMS_AUDIT_KEY / Sandbox:AuditKey, from a secret store): someone who can rewrite the log and its head cannot
/// sign the new head without it. Without the setting a key is generated into DataDir/audit.key so the head is still
/// signed, but anyone who can read the data folder can re-sign it: the log is then reported as not anchored.
/// </summary>
public sealed class AuditKey
{
    public const int MinimumLength = 32;

    private AuditKey(byte[] secret, bool anchored)
    {
        Secret = secret;
        Anchored = anchored;
    }

    public byte[] Secret { get; }

    /// <summary>Whether the key came from outside the data folder.</summary>
    public bool Anchored { get; }

    public static AuditKey Resolve(SandboxOptions options, ILogger logger)
    {
        if (options.AuditKey is { } configured)
        {
            if (configured.Length < MinimumLength)
                throw new InvalidOperationException($"CLAIMS_AUDIT_KEY (Sandbox:AuditKey) must be at least {MinimumLength} characters");
            return new AuditKey(Encoding.UTF8.GetBytes(configured), anchored: true);
        }
        var path = options.DataPath("audit.key");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) + "\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        logger.LogWarning("CLAIMS_AUDIT_KEY is not set: the audit head is signed with {Path}, which lives beside the log, so a rewrite of " +
                          "the log and its head together is not detected. Set CLAIMS_AUDIT_KEY from a secret store to anchor it", path);
        return new AuditKey(Encoding.UTF8.GetBytes(File.ReadAllText(path).Trim()), anchored: false);
    }
}
