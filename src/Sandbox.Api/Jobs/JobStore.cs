using System.Text.Json;
using Claims.Sandbox.Identity;
using Claims.Sandbox.Storage;
using Microsoft.Data.Sqlite;

namespace Claims.Sandbox.Jobs;

/// <summary>
/// Jobs in the service database. Every transition is one conditional UPDATE, so a job is claimed by exactly one
/// run, and a process killed at any point leaves a status that says what to do on the next start.
/// </summary>
public sealed class JobStore(SandboxDatabase database, TimeProvider time)
{
    private const string Columns = "id, kind, project_id, user_id, request, status, created, started, finished, attempts, error, result_path, result_bytes, result_sha256, summary, result_expires";

    public Job Create(string kind, string? projectId, string userId, string request)
    {
        var job = new Job(UserStore.NewId("j"), kind, projectId, userId, request, Job.Queued, time.GetUtcNow(), null, null, 0, null, null, null, null, null, null);
        using var connection = database.Open();
        SandboxDatabase.Execute(connection, """
            INSERT INTO jobs (id, kind, project_id, user_id, request, status, created) VALUES ($id, $kind, $project, $user, $request, $status, $created)
            """,
            ("$id", job.Id), ("$kind", kind), ("$project", projectId), ("$user", userId), ("$request", request), ("$status", job.Status), ("$created", Time(job.Created)));
        return job;
    }

    /// <summary>Forgets a job that never got into the queue (it was full), so it cannot run later by surprise.</summary>
    public void Delete(string id)
    {
        using var connection = database.Open();
        SandboxDatabase.Execute(connection, "DELETE FROM jobs WHERE id = $id AND status = 'queued'", ("$id", id));
    }

    public Job? Find(string id)
    {
        using var connection = database.Open();
        return SandboxDatabase.Query(connection, $"SELECT {Columns} FROM jobs WHERE id = $id", Read, ("$id", id)).SingleOrDefault();
    }

    public IReadOnlyList<Job> ForProject(string projectId)
    {
        using var connection = database.Open();
        return SandboxDatabase.Query(connection, $"SELECT {Columns} FROM jobs WHERE project_id = $project ORDER BY created DESC", Read, ("$project", projectId));
    }

    /// <summary>The jobs <paramref name="userId"/> submitted, newest first; of one kind when <paramref name="kind"/> is given.</summary>
    public IReadOnlyList<Job> ForUser(string userId, string? kind)
    {
        using var connection = database.Open();
        return SandboxDatabase.Query(connection, $"SELECT {Columns} FROM jobs WHERE user_id = $user AND ($kind IS NULL OR kind = $kind) ORDER BY created DESC",
            Read, ("$user", userId), ("$kind", kind));
    }

    /// <summary>Queued → running with one more attempt; null when the job is not queued (already taken, or gone).</summary>
    public Job? Claim(string id)
    {
        using var connection = database.Open();
        var claimed = SandboxDatabase.Execute(connection, """
            UPDATE jobs SET status = 'running', started = $now, finished = NULL, error = NULL, attempts = attempts + 1
            WHERE id = $id AND status = 'queued'
            """, ("$now", Time(time.GetUtcNow())), ("$id", id));
        return claimed == 1 ? Find(id) : null;
    }

    /// <summary>The last step of a run: the result is already on disk, complete and checksummed, and kept for <paramref name="retention"/>.</summary>
    public void Succeed(string id, JobResult result, TimeSpan retention)
    {
        var now = time.GetUtcNow();
        using var connection = database.Open();
        SandboxDatabase.Execute(connection, """
            UPDATE jobs SET status = 'succeeded', finished = $now, result_path = $path, result_bytes = $bytes, result_sha256 = $sha, summary = $files,
              result_expires = $expires
            WHERE id = $id
            """, ("$now", Time(now)), ("$path", result.Path), ("$bytes", result.Bytes), ("$sha", result.Sha256),
            ("$files", JsonSerializer.Serialize(result.Files)), ("$expires", Time(now + retention)), ("$id", id));
    }

    /// <summary>
    /// Succeeded jobs whose result is still on disk past its expiry, as of now. A job from before expiries were
    /// recorded expires <paramref name="retention"/> after it finished.
    /// </summary>
    public IReadOnlyList<Job> ExpiredResults(TimeSpan retention)
    {
        var now = time.GetUtcNow();
        using var connection = database.Open();
        return SandboxDatabase.Query(connection, $"SELECT {Columns} FROM jobs WHERE status = 'succeeded' AND result_path IS NOT NULL", Read)
            .Where(j => (j.ResultExpires ?? j.Finished + retention) <= now).ToArray();
    }

    /// <summary>Every failed job: their folders hold nothing anyone may download.</summary>
    public IReadOnlyList<string> FailedIds()
    {
        using var connection = database.Open();
        return SandboxDatabase.Query(connection, "SELECT id FROM jobs WHERE status = 'failed'", r => r.GetString(0));
    }

    /// <summary>Marks a result deleted; its record stays, so the owner sees what it held and when it went.</summary>
    public void RemoveResult(string id)
    {
        using var connection = database.Open();
        SandboxDatabase.Execute(connection, "UPDATE jobs SET result_path = NULL WHERE id = $id", ("$id", id));
    }

    public void Fail(string id, string error)
    {
        using var connection = database.Open();
        SandboxDatabase.Execute(connection, "UPDATE jobs SET status = 'failed', finished = $now, error = $error WHERE id = $id",
            ("$now", Time(time.GetUtcNow())), ("$error", error), ("$id", id));
    }

    /// <summary>A succeeded job whose result turned out damaged: failed, unless the retention removed the result meanwhile.</summary>
    public void FailResult(string id, string error)
    {
        using var connection = database.Open();
        SandboxDatabase.Execute(connection,
            "UPDATE jobs SET status = 'failed', error = $error, result_path = NULL WHERE id = $id AND status = 'succeeded' AND result_path IS NOT NULL",
            ("$error", error), ("$id", id));
    }

    /// <summary>Runs a job may start before it counts as the cause of its own interruptions.</summary>
    public const int MaxAttempts = 3;

    /// <summary>
    /// At start: a job still running was interrupted with the process that ran it, so it is queued again, unless
    /// it has been interrupted <see cref="MaxAttempts"/> times (a job that kills the service would otherwise restart
    /// it forever); returns every queued job, oldest first, for the worker to run before new submissions.
    /// </summary>
    public IReadOnlyList<string> Requeue()
    {
        using var connection = database.Open();
        SandboxDatabase.Execute(connection,
            $"UPDATE jobs SET status = 'failed', finished = $now, error = 'interrupted {MaxAttempts} times; submit it again' WHERE status = 'running' AND attempts >= {MaxAttempts}",
            ("$now", Time(time.GetUtcNow())));
        SandboxDatabase.Execute(connection, "UPDATE jobs SET status = 'queued' WHERE status = 'running'");
        return SandboxDatabase.Query(connection, "SELECT id FROM jobs WHERE status = 'queued' ORDER BY created", r => r.GetString(0));
    }

    private static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("O");

    private static DateTimeOffset? TimeOrNull(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : DateTimeOffset.Parse(r.GetString(i));

    private static Job Read(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
        DateTimeOffset.Parse(r.GetString(6)), TimeOrNull(r, 7), TimeOrNull(r, 8), r.GetInt32(9), r.IsDBNull(10) ? null : r.GetString(10),
        r.IsDBNull(11) ? null : r.GetString(11), r.IsDBNull(12) ? null : r.GetInt64(12), r.IsDBNull(13) ? null : r.GetString(13),
        r.IsDBNull(14) ? null : JsonSerializer.Deserialize<JobFile[]>(r.GetString(14)), TimeOrNull(r, 15));
}
