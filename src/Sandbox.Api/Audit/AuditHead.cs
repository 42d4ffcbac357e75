using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Claims.Sandbox.Audit;

/// <summary>
/// Where the audit log ends (the last entry's sequence number and hash), signed with the audit key: the record in
/// DataDir/audit.head is "SEQ HASH HMAC", HMAC-SHA256 over "claims-audit-head SEQ HASH" in lowercase hex.
/// </summary>
public sealed record AuditHead(long Seq, string Hash)
{
    /// <summary>The file record's fixed size, so each rewrite in place covers the last one whole.</summary>
    public const int RecordBytes = 160;

    public static readonly AuditHead Empty = new(0, AuditLog.Genesis);

    public byte[] Record(AuditKey key) =>
        Encoding.ASCII.GetBytes($"{Seq} {Hash} {Signature(key)}".PadRight(RecordBytes - 1) + "\n");

    /// <summary>The head a file holds, or the reason it cannot be trusted. A missing or empty file is the empty log's head.</summary>
    public static AuditHead? Read(string path, AuditKey key, out string? problem)
    {
        problem = null;
        var text = File.Exists(path) ? File.ReadAllText(path).Trim() : "";
        if (text.Length == 0) return Empty;
        var parts = text.Split(' ');
        if (parts.Length != 3 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            problem = "the head file is not a signed head (SEQ HASH HMAC)";
            return null;
        }
        var head = new AuditHead(seq, parts[1]);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(parts[2]), Encoding.ASCII.GetBytes(head.Signature(key))))
        {
            problem = $"the head file's signature does not match its content ({seq} {parts[1]}): the head was written without the audit key";
            return null;
        }
        return head;
    }

    public override string ToString() => Seq == 0 ? "nothing" : $"{Seq} {Hash}";

    private string Signature(AuditKey key) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key.Secret, Encoding.ASCII.GetBytes($"claims-audit-head {Seq} {Hash}")));
}
