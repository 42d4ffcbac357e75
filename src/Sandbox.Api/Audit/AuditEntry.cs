namespace Claims.Sandbox.Audit;

/// <summary>
/// One audited request: who (user and role), in which project, what (method and endpoint, the hash of the query,
/// cohort or SQL), what left (result size in rows or bytes, the disclosure rules applied), the status and the time.
/// </summary>
public sealed record AuditEntry(
    long Seq,
    DateTimeOffset Time,
    string? UserId,
    string? Role,
    string? ProjectId,
    string Method,
    string Endpoint,
    int Status,
    string? SubjectHash,
    long? ResultSize,
    string? Suppression,
    double ElapsedMs,
    string PrevHash,
    string Hash);

/// <summary>What a handler adds to its request's audit entry (the middleware fills in the rest).</summary>
public sealed class AuditDetails
{
    public string? ProjectId { get; set; }
    public string? SubjectHash { get; set; }
    public long? ResultSize { get; set; }
    public string? Suppression { get; set; }

    public static AuditDetails Of(HttpContext context)
    {
        if (context.Features.Get<AuditDetails>() is { } details) return details;
        details = new AuditDetails();
        context.Features.Set(details);
        return details;
    }

    public static string HashOf(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}
