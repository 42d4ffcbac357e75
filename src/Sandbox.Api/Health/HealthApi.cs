namespace Claims.Sandbox.Health;

/// <summary>GET /health: liveness for load balancers and the first check of docs/service.md's walkthrough.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", GetHealth).WithName("Health").WithTags("Service");
        return app;
    }

    public static HealthStatus GetHealth() => new("ok");
}

public sealed record HealthStatus(string Status);
