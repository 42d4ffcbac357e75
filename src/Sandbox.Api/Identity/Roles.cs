namespace Claims.Sandbox.Identity;

/// <summary>
/// The four roles. Explorers use synthetic data only; analysts work on restricted data inside approved projects;
/// policymakers read disclosure-controlled dashboards of the restricted data; admins manage users, keys, project
/// approval and the audit.
/// </summary>
public static class Roles
{
    public const string Explorer = "explorer";
    public const string Analyst = "analyst";
    public const string Policymaker = "policymaker";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Explorer, Analyst, Policymaker, Admin];
}
