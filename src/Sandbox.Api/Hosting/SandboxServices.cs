using System.Threading.RateLimiting;
using Claims.Engine.Privacy;
using Claims.Sandbox.Audit;
using Claims.Sandbox.Dashboards;
using Claims.Sandbox.Datasets;
using Claims.Sandbox.Errors;
using Claims.Sandbox.Extracts;
using Claims.Sandbox.Identity;
using Claims.Sandbox.Jobs;
using Claims.Sandbox.Models;
using Claims.Sandbox.OpenApi;
using Claims.Sandbox.Projects;
using Claims.Sandbox.Sql;
using Claims.Sandbox.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Claims.Sandbox.Hosting;

/// <summary>The service's wiring, so that Program.cs reads as the list of features it serves.</summary>
public static class SandboxServices
{
    public static WebApplicationBuilder AddSandbox(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SandboxOptions>().BindConfiguration(SandboxOptions.Section).PostConfigure<IConfiguration>(SandboxOptions.BindEnvironment);
        services.AddProblemDetails();
        services.AddExceptionHandler<ClaimsExceptionHandler>();
        // Malformed bodies throw, so the handler above can name what is wrong instead of an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddApiReference();
        services.AddSingleton(Claims.Engine.Schema.ClaimsSchema.Default);
        services.AddSingleton(sp => new SandboxDatabase(Options(sp).DataPath("sandbox.db")));
        services.AddSingleton<UserStore>();
        services.AddSingleton(sp => AuditKey.Resolve(Options(sp), sp.GetRequiredService<ILogger<AuditKey>>()));
        services.AddSingleton(sp => new AuditLog(sp.GetRequiredService<SandboxDatabase>(), Options(sp).DataPath("audit.head"),
            sp.GetRequiredService<AuditKey>(), sp.GetRequiredService<ILogger<AuditLog>>()));
        services.AddSingleton(sp => DatasetRegistry.Open(Options(sp), sp.GetRequiredService<ILoggerFactory>().CreateLogger<DatasetRegistry>()));
        // One ledger for the service: its monitor serialises releases across threads, its lock file across processes.
        services.AddSingleton<IReleaseLedger>(sp => new ReleaseLedger(Options(sp).DataPath("releases")));
        services.AddSingleton(sp =>
        {
            var (threshold, margin) = (Options(sp).DisclosureThreshold, Options(sp).DisclosureMargin);
            if (threshold < DisclosurePolicy.MinimumReleaseThreshold)
                throw new InvalidOperationException($"Sandbox:DisclosureThreshold is {threshold}; releases need at least {DisclosurePolicy.MinimumReleaseThreshold}");
            return margin is >= 0 and <= PerturbationTable.MaxNoise
                ? new DisclosurePolicy(threshold, margin)
                : throw new InvalidOperationException($"Sandbox:DisclosureMargin is {margin}; it must be from 0 to {PerturbationTable.MaxNoise}");
        });
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ProjectStore>();
        services.AddSingleton<ProjectAccess>();
        services.AddSingleton<IProjectAccess>(sp => sp.GetRequiredService<ProjectAccess>());
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobQueue>();
        services.AddHostedService<JobWorker>();
        services.AddSingleton<ResultRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<ResultRetention>());
        services.AddSingleton<DatasetScrub>();
        services.AddHostedService(sp => sp.GetRequiredService<DatasetScrub>());
        services.AddSingleton<ExtractPlanner>();
        services.AddSingleton<IJobRunner, ExtractJob>();
        services.AddSingleton<ModelPlanner>();
        services.AddSingleton<IJobRunner, ModelJob>();
        services.AddSingleton<CodeSearch>();
        services.AddSingleton<CodeLabels>();
        services.AddSingleton<EngineTimeLimit>();
        services.AddSingleton<CostDashboards>();
        services.AddSingleton<IndicatorViews>();
        services.AddSingleton(sp =>
        {
            var path = Options(sp).DataPath("duckdb", "synthetic.duckdb");
            SqlDatabaseFile.Ensure(path, sp.GetRequiredService<DatasetRegistry>().Get(DatasetRegistry.Synthetic), sp.GetRequiredService<ILoggerFactory>().CreateLogger<SqlSandbox>());
            return new SqlSandbox(path, Options(sp).SqlMemoryLimitMB, Options(sp).SqlSpillLimitMB, sp.GetRequiredService<TimeProvider>());
        });
        // Statements at once: each may use DuckDB's whole memory limit, so the service bounds how many hold it.
        services.AddSingleton(sp => new SqlSlots(Math.Max(2, Environment.ProcessorCount), sp.GetRequiredService<TimeProvider>()));

        services.AddAuthentication(ApiKeyAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddAuthorization();
        services.AddRateLimiter(limiter =>
        {
            limiter.OnRejected = (context, _) => new ValueTask(Problems.Write(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
                "the rate limit for this key or address is exceeded; wait and retry"));
            limiter.AddPolicy(IdentityApi.SignupLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = Options(context.RequestServices).SignupsPerMinute, Window = TimeSpan.FromMinutes(1) }));
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var perSecond = Options(context.RequestServices).RequestsPerSecond;
                // By who authenticated, not by the header's spelling (which varies freely); everyone else by address.
                var key = context.User.Identity?.IsAuthenticated == true
                    ? "user:" + context.User.Id()
                    : "address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
                return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perSecond, TokensPerPeriod = perSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 0,
                });
            });
        });
        return builder;
    }

    /// <summary>Opens (and on first start generates) the datasets and their SQL copy, and registers the first admin before the first request.</summary>
    public static WebApplication StartSandbox(this WebApplication app)
    {
        var options = Options(app.Services);
        Directory.CreateDirectory(options.DataPath());
        var datasets = app.Services.GetRequiredService<DatasetRegistry>();
        // Settings that would weaken disclosure control stop the start, not a request.
        app.Services.GetRequiredService<DisclosurePolicy>();
        // The SQL copy is made from the synthetic dataset; while that is unavailable, SQL answers 503 with it.
        if (datasets.Unavailable(DatasetRegistry.Synthetic) is null) app.Services.GetRequiredService<SqlSandbox>();
        AdminBootstrap.Ensure(app.Services.GetRequiredService<UserStore>(), options, app.Logger);
        // A log found broken at start is reported at start, not at the first request.
        app.Services.GetRequiredService<AuditLog>();

        // Outermost, so it records the status the caller finally gets, also when a handler threw; it reads the
        // user that authentication below sets on the context.
        app.UseMiddleware<AuditMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages(ProblemStatusPages.Write);
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.Use(LimitBody);
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        return app;
    }

    private static SandboxOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<SandboxOptions>>().Value;

    /// <summary>Refuses a declared oversize body at once, and caps an undeclared (chunked) one while it is read.</summary>
    private static Task LimitBody(HttpContext context, RequestDelegate next)
    {
        var max = Options(context.RequestServices).MaxRequestBytes;
        if (context.Request.ContentLength > max)
            return Problems.Write(context, StatusCodes.Status400BadRequest, "Bad request", $"the request body is {context.Request.ContentLength} bytes; the limit is {max}");
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = max;
        return next(context);
    }
}
