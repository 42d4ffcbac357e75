using Claims.Sandbox.Hosting;

namespace Claims.Sandbox.Identity;

/// <summary>
/// The first admin. With CLAIMS_ADMIN_KEY set, that key belongs to an admin (registered on first use); without
/// it, the first start creates an admin with a fresh key written to DataDir/admin.key, readable by the owner only,
/// and says where.
/// </summary>
public static class AdminBootstrap
{
    public static void Ensure(UserStore users, SandboxOptions options, ILogger logger)
    {
        if (options.AdminKey is { } configured)
        {
            if (configured.Length < 16) throw new InvalidOperationException("CLAIMS_ADMIN_KEY must be at least 16 characters");
            if (users.HasKey(configured)) return;
            var admin = users.List().FirstOrDefault(u => u.Role == Roles.Admin && !u.Disabled)?.Id ?? users.Create("admin", null, Roles.Admin).User.Id;
            users.IssueKey(admin, configured);
            logger.LogInformation("The admin key from CLAIMS_ADMIN_KEY is registered");
            return;
        }
        var path = options.DataPath("admin.key");
        if (users.AnyAdmin())
        {
            if (File.Exists(path)) logger.LogInformation("Admin key: {Path}", path);
            return;
        }
        var (_, key) = users.Create("admin", null, Roles.Admin);
        File.WriteAllText(path, key + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        logger.LogWarning("A new admin key was written to {Path} (owner-only); keep it safe", path);
        Console.WriteLine($"admin key: {path}");
    }
}
