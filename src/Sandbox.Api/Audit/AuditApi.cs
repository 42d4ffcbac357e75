using Claims.Sandbox.Identity;

namespace Claims.Sandbox.Audit;

/// <summary>GET /api/audit (entries after a sequence number) and GET /api/audit/verify (the chain recomputed); admins only.</summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(p => p.RequireRole(Roles.Admin));
        group.MapGet("/", List).WithName("ListAudit").WithSummary("Audit entries after the sequence number ?after=, at most ?limit= of them");
        group.MapGet("/verify", Verify).WithName("VerifyAudit").WithSummary("Recompute the hash chain and check it against the signed head");
        return app;
    }

    public static AuditPage List(AuditLog log, long after = 0, int limit = 1000)
    {
        var entries = log.Read(after, Math.Clamp(limit, 1, 10_000));
        return new AuditPage(entries, entries.Count == 0 ? null : entries[^1].Seq);
    }

    public static AuditVerification Verify(AuditLog log) => log.Verify();
}

public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, long? Last);
