using Claims.Engine.Privacy;
using Claims.Engine.Storage;
using System.Security.Cryptography;
using System.Text.Json;
using Claims.Sandbox.Identity;
using Claims.Sandbox.Storage;
using Microsoft.Data.Sqlite;

namespace Claims.Sandbox.Projects;

/// <summary>Projects in the service database. Lists are stored as JSON text: they are read whole and never queried into.</summary>
public sealed class ProjectStore(SandboxDatabase database, TimeProvider time)
{
    private const string Columns = "id, owner_id, title, purpose, datasets, tables, period, status, created, decided_by, expires, budget";

    /// <summary>A new pending project with a fresh random 32-byte pseudonym key, which never leaves the database but through <see cref="PseudonymKey"/>.</summary>
    public Project Create(string ownerId, string title, string purpose, IReadOnlyList<string> datasets, IReadOnlyList<string>? tables, MonthRange? period)
    {
        var project = new Project(UserStore.NewId("p"), ownerId, title, purpose, datasets, tables, period, Project.Pending, time.GetUtcNow(), null, null,
            new ProjectBudget(DisclosurePolicy.DefaultBudget, 0));
        using var connection = database.Open();
        SandboxDatabase.Execute(connection, $"""
            INSERT INTO projects ({Columns}, pseudonym_key)
            VALUES ($id, $owner, $title, $purpose, $datasets, $tables, $period, $status, $created, NULL, NULL, $budget, $key)
            """,
            ("$id", project.Id), ("$owner", ownerId), ("$title", title), ("$purpose", purpose), ("$datasets", JsonSerializer.Serialize(datasets)),
            ("$tables", tables is null ? null : JsonSerializer.Serialize(tables)), ("$period", period is null ? null : JsonSerializer.Serialize(period)),
            ("$status", project.Status), ("$created", project.Created.ToString("O")), ("$budget", project.Budget.Granted), ("$key", RandomNumberGenerator.GetBytes(32)));
        return project;
    }

    public Project? Find(string id)
    {
        using var connection = database.Open();
        return SandboxDatabase.Query(connection, $"SELECT {Columns} FROM projects WHERE id = $id", Read, ("$id", id)).SingleOrDefault();
    }

    /// <summary>Every project, or only <paramref name="ownerId"/>'s, newest first.</summary>
    public IReadOnlyList<Project> List(string? ownerId)
    {
        using var connection = database.Open();
        return SandboxDatabase.Query(connection, $"SELECT {Columns} FROM projects WHERE $owner IS NULL OR owner_id = $owner ORDER BY created DESC", Read, ("$owner", ownerId));
    }

    /// <summary>Sets the decision; approving again moves the expiry (an extension), rejecting withdraws access at once.</summary>
    public Project? Decide(string id, string status, string adminId, DateTimeOffset? expiresAt)
    {
        using var connection = database.Open();
        var changed = SandboxDatabase.Execute(connection, "UPDATE projects SET status = $status, decided_by = $admin, expires = $expires WHERE id = $id",
            ("$status", status), ("$admin", adminId), ("$expires", expiresAt?.ToUniversalTime().ToString("O")), ("$id", id));
        return changed == 1 ? Find(id) : null;
    }

    /// <summary>Adds <paramref name="figures"/> to the project's disclosure budget; null for an unknown project.</summary>
    public Project? Grant(string id, long figures)
    {
        using var connection = database.Open();
        var changed = SandboxDatabase.Execute(connection, "UPDATE projects SET budget = budget + $figures WHERE id = $id", ("$figures", figures), ("$id", id));
        return changed == 1 ? Find(id) : null;
    }

    public byte[] PseudonymKey(string id)
    {
        using var connection = database.Open();
        return SandboxDatabase.Query(connection, "SELECT pseudonym_key FROM projects WHERE id = $id", r => (byte[])r.GetValue(0), ("$id", id)).Single();
    }

    private static Project Read(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
        JsonSerializer.Deserialize<string[]>(r.GetString(4))!,
        r.IsDBNull(5) ? null : JsonSerializer.Deserialize<string[]>(r.GetString(5)),
        r.IsDBNull(6) ? null : JsonSerializer.Deserialize<MonthRange>(r.GetString(6)),
        r.GetString(7), DateTimeOffset.Parse(r.GetString(8)),
        r.IsDBNull(9) ? null : r.GetString(9),
        r.IsDBNull(10) ? null : DateTimeOffset.Parse(r.GetString(10)),
        new ProjectBudget(r.GetInt64(11), 0));
}
