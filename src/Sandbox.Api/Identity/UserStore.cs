using Claims.Sandbox.Storage;

namespace Claims.Sandbox.Identity;

public sealed record User(string Id, string Name, string? Email, string Role, DateTimeOffset Created, bool Disabled);

public sealed record ApiKeyInfo(string Id, string UserId, DateTimeOffset Created, DateTimeOffset? Revoked);

/// <summary>Users and their keys. A key is shown once, when issued; afterwards only its hash exists.</summary>
public sealed class UserStore(SandboxDatabase database)
{
    public (User User, string Key) Create(string name, string? email, string role)
    {
        if (!Roles.All.Contains(role)) throw new ArgumentException($"unknown role '{role}' (roles: {string.Join(", ", Roles.All)})", nameof(role));
        var user = new User(NewId("u"), name, email, role, DateTimeOffset.UtcNow, false);
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        SandboxDatabase.Execute(connection, "INSERT INTO users (id, name, email, role, created) VALUES ($id, $name, $email, $role, $created)",
            ("$id", user.Id), ("$name", name), ("$email", email), ("$role", role), ("$created", user.Created.ToString("O")));
        var key = Issue(connection, user.Id, null);
        transaction.Commit();
        return (user, key);
    }

    /// <summary>A new key for the user; with <paramref name="known"/> that exact key (the configured admin key).</summary>
    public string IssueKey(string userId, string? known = null)
    {
        using var connection = database.Open();
        return Issue(connection, userId, known);
    }

    private static string Issue(Microsoft.Data.Sqlite.SqliteConnection connection, string userId, string? known)
    {
        var key = known ?? ApiKeys.New();
        SandboxDatabase.Execute(connection, "INSERT INTO api_keys (id, user_id, hash, created) VALUES ($id, $user, $hash, $created)",
            ("$id", NewId("k")), ("$user", userId), ("$hash", ApiKeys.Hash(key)), ("$created", DateTimeOffset.UtcNow.ToString("O")));
        return key;
    }

    /// <summary>The user holding a live key, or null: a revoked key, a disabled user or an unknown key all fail alike.</summary>
    public User? Authenticate(string key)
    {
        using var connection = database.Open();
        return SandboxDatabase.Query(connection, """
            SELECT u.id, u.name, u.email, u.role, u.created, u.disabled FROM api_keys k JOIN users u ON u.id = k.user_id
            WHERE k.hash = $hash AND k.revoked IS NULL AND u.disabled = 0
            """, ReadUser, ("$hash", ApiKeys.Hash(key))).SingleOrDefault();
    }

    public bool HasKey(string key)
    {
        using var connection = database.Open();
        return SandboxDatabase.Query(connection, "SELECT 1 FROM api_keys WHERE hash = $hash", r => 1, ("$hash", ApiKeys.Hash(key))).Count > 0;
    }

    public User? Find(string id)
    {
        using var connection = database.Open();
        return SandboxDatabase.Query(connection, "SELECT id, name, email, role, created, disabled FROM users WHERE id = $id", ReadUser, ("$id", id)).SingleOrDefault();
    }

    public IReadOnlyList<User> List()
    {
        using var connection = database.Open();
        return SandboxDatabase.Query(connection, "SELECT id, name, email, role, created, disabled FROM users ORDER BY created", ReadUser);
    }

    public bool AnyAdmin()
    {
        using var connection = database.Open();
        return SandboxDatabase.Query(connection, "SELECT 1 FROM users WHERE role = 'admin' AND disabled = 0 LIMIT 1", r => 1).Count > 0;
    }

    public IReadOnlyList<ApiKeyInfo> Keys(string userId)
    {
        using var connection = database.Open();
        return SandboxDatabase.Query(connection, "SELECT id, user_id, created, revoked FROM api_keys WHERE user_id = $user ORDER BY created",
            r => new ApiKeyInfo(r.GetString(0), r.GetString(1), DateTimeOffset.Parse(r.GetString(2)), r.IsDBNull(3) ? null : DateTimeOffset.Parse(r.GetString(3))),
            ("$user", userId));
    }

    /// <summary>Revokes one key; false when there is no such live key. Takes effect on the next request.</summary>
    public bool RevokeKey(string keyId)
    {
        using var connection = database.Open();
        return SandboxDatabase.Execute(connection, "UPDATE api_keys SET revoked = $now WHERE id = $id AND revoked IS NULL",
            ("$now", DateTimeOffset.UtcNow.ToString("O")), ("$id", keyId)) == 1;
    }

    /// <summary>Disables a user: every key stops working at once.</summary>
    public bool Disable(string userId)
    {
        using var connection = database.Open();
        return SandboxDatabase.Execute(connection, "UPDATE users SET disabled = 1 WHERE id = $id AND disabled = 0", ("$id", userId)) == 1;
    }

    private static User ReadUser(Microsoft.Data.Sqlite.SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), DateTimeOffset.Parse(r.GetString(4)), r.GetInt64(5) != 0);

    public static string NewId(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 17)];
}
