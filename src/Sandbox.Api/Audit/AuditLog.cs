using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Claims.Sandbox.Storage;

namespace Claims.Sandbox.Audit;

/// <summary>The result of checking the chain: ok, how many entries, and the first problem found.</summary>
public sealed record AuditVerification(bool Ok, long Entries, long? FirstBadSeq, string? Problem);

/// <summary>
/// The append-only, hash-chained audit log. Each entry's hash covers its fields and the previous entry's hash,
/// so editing, deleting or reordering any entry breaks the chain from there on; the head (count and last hash)
/// is also written to a file beside the database, so dropping the newest entries shows too. Appends are
/// serialised: the chain has one writer.
/// </summary>
public sealed class AuditLog : IDisposable
{
    /// <summary>The head record's fixed size, so each rewrite covers the last one whole.</summary>
    private const int HeadBytes = 96;

    private const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";
    private readonly SandboxDatabase _database;
    private readonly string _headPath;
    private readonly Lock _lock = new();
    private readonly FileStream _head;

    public AuditLog(SandboxDatabase database, string headPath)
    {
        _database = database;
        _headPath = headPath;
        // Kept open and rewritten in place: one small write at offset 0 per entry, where a write-and-rename per
        // request cost a third of the service's throughput.
        _head = new FileStream(headPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
    }

    public AuditEntry Append(string? userId, string? role, string? projectId, string method, string endpoint, int status,
        string? subjectHash, long? resultSize, string? suppression, double elapsedMs)
    {
        lock (_lock)
        {
            using var connection = _database.Open();
            using var transaction = connection.BeginTransaction();
            var last = SandboxDatabase.Query(connection, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", r => (r.GetInt64(0), r.GetString(1)));
            var (seq, prev) = last.Count == 0 ? (1L, Genesis) : (last[0].Item1 + 1, last[0].Item2);
            var entry = new AuditEntry(seq, DateTimeOffset.UtcNow, userId, role, projectId, method, endpoint, status, subjectHash, resultSize, suppression,
                Math.Round(elapsedMs, 3), prev, "");
            entry = entry with { Hash = HashOf(entry) };
            SandboxDatabase.Execute(connection, """
                INSERT INTO audit (seq, time, user_id, role, project_id, method, endpoint, status, subject_hash, result_size, suppression, elapsed_ms, prev_hash, hash)
                VALUES ($seq, $time, $user, $role, $project, $method, $endpoint, $status, $subject, $size, $suppression, $elapsed, $prev, $hash)
                """,
                ("$seq", entry.Seq), ("$time", entry.Time.ToString("O")), ("$user", userId), ("$role", role), ("$project", projectId),
                ("$method", method), ("$endpoint", endpoint), ("$status", status), ("$subject", subjectHash), ("$size", resultSize),
                ("$suppression", suppression), ("$elapsed", entry.ElapsedMs), ("$prev", prev), ("$hash", entry.Hash));
            transaction.Commit();
            var head = Encoding.ASCII.GetBytes($"{entry.Seq} {entry.Hash}".PadRight(HeadBytes - 1) + "\n");
            _head.Position = 0;
            _head.Write(head);
            _head.Flush();
            return entry;
        }
    }

    public IReadOnlyList<AuditEntry> Read(long after = 0, int limit = 1000)
    {
        using var connection = _database.Open();
        return SandboxDatabase.Query(connection,
            "SELECT seq, time, user_id, role, project_id, method, endpoint, status, subject_hash, result_size, suppression, elapsed_ms, prev_hash, hash FROM audit WHERE seq > $after ORDER BY seq LIMIT $limit",
            Read, ("$after", after), ("$limit", limit));
    }

    /// <summary>Recomputes the chain from the first entry: sequence numbers, links, hashes, and the head file.</summary>
    public AuditVerification Verify()
    {
        lock (_lock)
        {
            using var connection = _database.Open();
            var entries = SandboxDatabase.Query(connection,
                "SELECT seq, time, user_id, role, project_id, method, endpoint, status, subject_hash, result_size, suppression, elapsed_ms, prev_hash, hash FROM audit ORDER BY rowid",
                Read);
            var prev = Genesis;
            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i];
                if (entry.Seq != i + 1) return new(false, entries.Count, entry.Seq, $"entry {entry.Seq} is at position {i + 1}: an entry was deleted or moved");
                if (entry.PrevHash != prev) return new(false, entries.Count, entry.Seq, $"entry {entry.Seq} does not link to the entry before it");
                if (HashOf(entry) != entry.Hash) return new(false, entries.Count, entry.Seq, $"entry {entry.Seq} was changed after it was written");
                prev = entry.Hash;
            }
            var head = File.Exists(_headPath) && File.ReadAllText(_headPath).Trim() is { Length: > 0 } text ? text : null;
            var expected = entries.Count == 0 ? null : $"{entries[^1].Seq} {entries[^1].Hash}";
            if (head != expected)
                return new(false, entries.Count, null, $"the log ends at {expected ?? "nothing"} but its head file says {head ?? "nothing"}: entries were removed from the end");
            return new(true, entries.Count, null, null);
        }
    }

    private static AuditEntry Read(Microsoft.Data.Sqlite.SqliteDataReader r) => new(
        r.GetInt64(0), DateTimeOffset.Parse(r.GetString(1), CultureInfo.InvariantCulture), Text(r, 2), Text(r, 3), Text(r, 4), r.GetString(5), r.GetString(6),
        r.GetInt32(7), Text(r, 8), r.IsDBNull(9) ? null : r.GetInt64(9), Text(r, 10), r.GetDouble(11), r.GetString(12), r.GetString(13));

    private static string? Text(Microsoft.Data.Sqlite.SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static string HashOf(AuditEntry e)
    {
        var canonical = string.Join('\u001f', e.Seq.ToString(CultureInfo.InvariantCulture), e.Time.ToString("O"), e.UserId, e.Role, e.ProjectId, e.Method,
            e.Endpoint, e.Status.ToString(CultureInfo.InvariantCulture), e.SubjectHash, e.ResultSize?.ToString(CultureInfo.InvariantCulture), e.Suppression,
            e.ElapsedMs.ToString("R", CultureInfo.InvariantCulture), e.PrevHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    public void Dispose() => _head.Dispose();
}
