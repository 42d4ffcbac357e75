using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Claims.Sandbox.Storage;

namespace Claims.Sandbox.Audit;

/// <summary>
/// The result of checking the chain: ok, how many entries, the first entry at fault (the first missing one when the
/// log and its head disagree), the problem, and whether the head's key is kept outside the data folder.
/// </summary>
public sealed record AuditVerification(bool Ok, long Entries, long? FirstBadSeq, string? Problem, bool Anchored);

/// <summary>
/// The append-only, hash-chained audit log. Each entry's hash covers its fields and the previous entry's hash,
/// so editing, deleting or reordering any entry breaks the chain from there on. The head (the last entry's
/// sequence number and hash) is signed with the audit key and written to a file beside the database, and kept in
/// memory: every append first checks that the log still ends where the head says, so entries removed from the
/// end, or a log and head rewritten together without the key, stop the log instead of being chained over. A
/// stopped log refuses every append until the service is restarted on a repaired log (<see cref="Broken"/>).
/// Appends are serialised: the chain has one writer.
/// </summary>
public sealed class AuditLog : IDisposable
{
    internal const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";
    private const string Columns = "seq, time, user_id, role, project_id, method, endpoint, status, subject_hash, result_size, suppression, elapsed_ms, prev_hash, hash";

    private readonly SandboxDatabase _database;
    private readonly string _headPath;
    private readonly AuditKey _key;
    private readonly ILogger<AuditLog> _logger;
    private readonly Lock _lock = new();
    private readonly FileStream _headFile;

    /// <summary>Where this process last found or left the end of the log.</summary>
    private AuditHead _head;

    private volatile string? _broken;

    public AuditLog(SandboxDatabase database, string headPath, AuditKey key, ILogger<AuditLog> logger)
    {
        (_database, _headPath, _key, _logger) = (database, headPath, key, logger);
        var stored = AuditHead.Read(headPath, key, out var problem);
        using (var connection = database.Open()) _head = End(connection);
        if (problem is not null) Break(problem);
        else if (stored != _head) Break(Mismatch(_head, stored!, "its head file"));
        // Kept open and rewritten in place: one small write at offset 0 per entry, where a write-and-rename per
        // request cost a third of the service's throughput.
        _headFile = new FileStream(headPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
    }

    /// <summary>Why the log refuses appends (it no longer ends where its head says), or null while it is whole.</summary>
    public string? Broken => _broken;

    /// <summary>Whether the head is signed with a key kept outside the data folder.</summary>
    public bool Anchored => _key.Anchored;

    /// <summary>
    /// Checks, before a request is served, that the log still ends where the head says, and stops it if not: the
    /// reason the log is broken, or null while it is whole.
    /// </summary>
    public string? Check()
    {
        if (_broken is { } broken) return broken;
        lock (_lock)
        {
            using var connection = _database.Open();
            if (End(connection) is var end && end != _head) Break(Mismatch(end, _head, "the head this service wrote"));
            return _broken;
        }
    }

    /// <summary>Adds an entry; null, with the entry logged as an error, when the log is broken and refuses it.</summary>
    public AuditEntry? Append(string? userId, string? role, string? projectId, string method, string endpoint, int status,
        string? subjectHash, long? resultSize, string? suppression, double elapsedMs)
    {
        lock (_lock)
        {
            var entry = new AuditEntry(_head.Seq + 1, DateTimeOffset.UtcNow, userId, role, projectId, method, endpoint, status, subjectHash, resultSize,
                suppression, Math.Round(elapsedMs, 3), _head.Hash, "");
            if (_broken is null)
            {
                using var connection = _database.Open();
                using var transaction = connection.BeginTransaction();
                var end = End(connection);
                if (end == _head)
                {
                    entry = entry with { Hash = HashOf(entry) };
                    SandboxDatabase.Execute(connection, $"INSERT INTO audit ({Columns}) VALUES ($seq, $time, $user, $role, $project, $method, $endpoint, $status, $subject, $size, $suppression, $elapsed, $prev, $hash)",
                        ("$seq", entry.Seq), ("$time", entry.Time.ToString("O")), ("$user", userId), ("$role", role), ("$project", projectId),
                        ("$method", method), ("$endpoint", endpoint), ("$status", status), ("$subject", subjectHash), ("$size", resultSize),
                        ("$suppression", suppression), ("$elapsed", entry.ElapsedMs), ("$prev", entry.PrevHash), ("$hash", entry.Hash));
                    transaction.Commit();
                    _head = new AuditHead(entry.Seq, entry.Hash);
                    _headFile.Position = 0;
                    _headFile.Write(_head.Record(_key));
                    _headFile.Flush();
                    return entry;
                }
                Break(Mismatch(end, _head, "the head this service wrote"));
            }
            // Not chained, but not lost either: the operator finds it beside the alert.
            _logger.LogError("Not audited (the audit log is broken): {Method} {Endpoint} -> {Status} by {User} ({Role}) in {Project}, subject {Subject}, size {Size}, rules {Rules}",
                method, endpoint, status, userId, role, projectId, subjectHash, resultSize, suppression);
            return null;
        }
    }

    public IReadOnlyList<AuditEntry> Read(long after = 0, int limit = 1000)
    {
        using var connection = _database.Open();
        return SandboxDatabase.Query(connection,
            $"SELECT {Columns} FROM audit WHERE seq > $after ORDER BY seq LIMIT $limit",
            Read, ("$after", after), ("$limit", limit));
    }

    /// <summary>
    /// Recomputes the chain from the first entry (sequence numbers, links, hashes), then checks that it ends where
    /// the signed head file and this service's own head say.
    /// </summary>
    public AuditVerification Verify()
    {
        lock (_lock)
        {
            using var connection = _database.Open();
            var entries = SandboxDatabase.Query(connection, $"SELECT {Columns} FROM audit ORDER BY rowid", Read);
            AuditVerification Bad(long? seq, string problem) => new(false, entries.Count, seq, problem, Anchored);
            var prev = Genesis;
            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i];
                if (entry.Seq != i + 1) return Bad(entry.Seq, $"entry {entry.Seq} is at position {i + 1}: an entry was deleted or moved");
                if (entry.PrevHash != prev) return Bad(entry.Seq, $"entry {entry.Seq} does not link to the entry before it");
                if (HashOf(entry) != entry.Hash) return Bad(entry.Seq, $"entry {entry.Seq} was changed after it was written");
                prev = entry.Hash;
            }
            var end = entries.Count == 0 ? AuditHead.Empty : new AuditHead(entries[^1].Seq, entries[^1].Hash);
            if (AuditHead.Read(_headPath, _key, out var problem) is not { } stored) return Bad(null, problem!);
            if (stored != end) return Bad(FirstMissing(end, stored), Mismatch(end, stored, "its head file"));
            if (_head != end) return Bad(FirstMissing(end, _head), Mismatch(end, _head, "the head this service wrote"));
            return _broken is { } broken ? Bad(null, broken) : new(true, entries.Count, null, null, Anchored);
        }
    }

    private void Break(string problem)
    {
        _broken = problem;
        _logger.LogCritical("The audit log is broken: {Problem}. Requests that must be audited are refused with 503 until the log is restored " +
                            "and the service restarted; GET /api/audit/verify shows the problem", problem);
    }

    private static AuditHead End(Microsoft.Data.Sqlite.SqliteConnection connection) =>
        SandboxDatabase.Query(connection, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", r => new AuditHead(r.GetInt64(0), r.GetString(1)))
            is [var last] ? last : AuditHead.Empty;

    private static string Mismatch(AuditHead end, AuditHead head, string which) =>
        $"the log ends at {end} but {which} says {head}: " + (end.Seq < head.Seq ? "entries were removed from the end"
            : end.Seq > head.Seq ? "entries were added past the head" : "the log was rewritten");

    /// <summary>The first entry that is missing or differs between the log's end and a head.</summary>
    private static long FirstMissing(AuditHead end, AuditHead head) => end.Seq == head.Seq ? end.Seq : Math.Min(end.Seq, head.Seq) + 1;

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

    public void Dispose() => _headFile.Dispose();
}
