using Claims.Engine.Privacy;

namespace Claims.Sandbox.Hosting;

/// <summary>
/// The service's settings: the "Sandbox" section of appsettings, overridden by the flat environment variables
/// docs/service.md documents (CLAIMS_DATA_DIR, CLAIMS_ADMIN_KEY, CLAIMS_AUDIT_KEY, CLAIMS_SYNTHETIC_PERSONS, CLAIMS_RESTRICTED_PERSONS, CLAIMS_RESTRICTED_SOURCE, CLAIMS_MONTHS,
/// CLAIMS_JOB_THROTTLE_MS, CLAIMS_RESULT_RETENTION_HOURS, CLAIMS_SCRUB_INTERVAL_MINUTES, and for cluster mode CLAIMS_CLUSTER_DIR,
/// CLAIMS_CLUSTER_MEMBERSHIP, CLAIMS_CLUSTER_REDIS, CLAIMS_CLUSTER_GATEWAYS, CLAIMS_CLUSTER_ID).
/// </summary>
public sealed class SandboxOptions
{
    public const string Section = "Sandbox";

    /// <summary>Datasets, the service database, job outputs and release ledgers live here.</summary>
    public string DataDir { get; set; } = "sandbox-data";

    /// <summary>The first admin's key; when absent one is generated on first start and written to DataDir/admin.key.</summary>
    public string? AdminKey { get; set; }

    /// <summary>
    /// The secret (32 characters or more) that signs the audit log's head; keep it outside the data folder. When
    /// absent a key is generated into DataDir/audit.key, which does not anchor the log (see <see cref="Audit.AuditKey"/>).
    /// </summary>
    public string? AuditKey { get; set; }

    /// <summary>
    /// Cluster mode, the one setting: the folder of a split restricted dataset (`claims shard --out`) that a running
    /// cluster's silos serve. The restricted dataset is then that cluster's, queried through it as this service's
    /// client; unset (the default), the service is embedded and opens every dataset itself.
    /// </summary>
    public string? ClusterDir { get; set; }

    /// <summary>Cluster mode: how the silos are found, "localhost" (their gateway ports, <see cref="ClusterGateways"/>) or "redis" (<see cref="ClusterRedis"/>).</summary>
    public string ClusterMembership { get; set; } = "localhost";

    public string? ClusterRedis { get; set; }

    /// <summary>Cluster mode with localhost membership: the silos' gateway ports, comma-separated.</summary>
    public string ClusterGateways { get; set; } = "30000";

    public string ClusterId { get; set; } = "claims";

    public int SyntheticPersons { get; set; } = 100_000;
    public int RestrictedPersons { get; set; } = 50_000;

    /// <summary>
    /// Where the restricted dataset comes from on first start: "generate" (the default), or "uke:DIR" to import
    /// the UKE files in DIR (docs/uke-import.md), salted with DataDir/uke-salt.key.
    /// </summary>
    public string RestrictedSource { get; set; } = "generate";

    /// <summary>Service months both datasets cover, from <see cref="FromMonth"/> (YYYYMM).</summary>
    public int Months { get; set; } = 24;
    public int FromMonth { get; set; } = 202204;
    public ulong SyntheticSeed { get; set; } = 20230401;

    public int DisclosureThreshold { get; set; } = 10;

    /// <summary>How far past the threshold a cell's perturbed count must reach to be shown (0 to 5; see DisclosurePolicy.Margin).</summary>
    public int DisclosureMargin { get; set; } = 5;

    /// <summary>
    /// Figures each policymaker's dashboards may release from the restricted dataset (their own ledger project,
    /// <c>dashboards-USERID</c>), an analyst's default: a view releases about a hundred (a thousand where it is
    /// standardised), and a view asked again costs nothing. What a budget bounds, and what it does not (joint designs
    /// over many subsets), is told in docs/disclosure-control.md.
    /// </summary>
    public long DashboardBudget { get; set; } = DisclosurePolicy.DefaultBudget;

    public int SqlTimeoutSeconds { get; set; } = 10;
    public int SqlMaxRows { get; set; } = 10_000;

    /// <summary>DuckDB's memory limit for all SQL statements together, and the most they may spill to disk (MiB).</summary>
    public int SqlMemoryLimitMB { get; set; } = 1024;
    public int SqlSpillLimitMB { get; set; } = 1024;

    /// <summary>
    /// Seconds an engine query or cohort may run for a waiting caller (fractions allowed); then it is stopped and
    /// answered 400, as SQL is past <see cref="SqlTimeoutSeconds"/>.
    /// </summary>
    public double EngineTimeoutSeconds { get; set; } = 10;

    /// <summary>Request bodies above this are refused with 400 before they are read.</summary>
    public long MaxRequestBytes { get; set; } = 1 << 20;

    /// <summary>Self-service sign-ups per client address per minute.</summary>
    public int SignupsPerMinute { get; set; } = 5;

    /// <summary>Requests per key per second, with a burst of the same size.</summary>
    public int RequestsPerSecond { get; set; } = 500;

    /// <summary>Jobs waiting to run; a submission beyond it is refused with 429.</summary>
    public int JobQueueCapacity { get; set; } = 32;

    /// <summary>
    /// Hours a job's result stays on the server after it is made (7 days by default); then it is deleted and its
    /// download answers 410. Extracts of restricted rows should not outlive their download.
    /// </summary>
    public int ResultRetentionHours { get; set; } = 168;

    /// <summary>
    /// Minutes between scrubs, which re-verify every dataset file's checksum and take a damaged dataset out of
    /// service (0: never). A byte changed after its file was first read gives wrong answers for up to this long.
    /// </summary>
    public int ScrubIntervalMinutes { get; set; } = 60;

    /// <summary>
    /// A pause before each file a job adds to its result, in milliseconds (0: none). A test and operations knob
    /// only: it stretches a small job long enough to kill the process mid-run and watch the restart recover it.
    /// </summary>
    public int JobThrottleMs { get; set; }

    public string DataPath(params string[] parts) => Path.Combine([Path.GetFullPath(DataDir), .. parts]);

    public static void BindEnvironment(SandboxOptions options, IConfiguration configuration)
    {
        if (configuration["CLAIMS_DATA_DIR"] is { Length: > 0 } dir) options.DataDir = dir;
        if (configuration["CLAIMS_ADMIN_KEY"] is { Length: > 0 } key) options.AdminKey = key;
        if (configuration["CLAIMS_AUDIT_KEY"] is { Length: > 0 } auditKey) options.AuditKey = auditKey;
        if (int.TryParse(configuration["CLAIMS_SYNTHETIC_PERSONS"], out var synthetic)) options.SyntheticPersons = synthetic;
        if (int.TryParse(configuration["CLAIMS_RESTRICTED_PERSONS"], out var restricted)) options.RestrictedPersons = restricted;
        if (configuration["CLAIMS_RESTRICTED_SOURCE"] is { Length: > 0 } source) options.RestrictedSource = source;
        if (int.TryParse(configuration["CLAIMS_MONTHS"], out var months)) options.Months = months;
        if (int.TryParse(configuration["CLAIMS_JOB_THROTTLE_MS"], out var throttle)) options.JobThrottleMs = throttle;
        if (int.TryParse(configuration["CLAIMS_RESULT_RETENTION_HOURS"], out var retention)) options.ResultRetentionHours = retention;
        if (int.TryParse(configuration["CLAIMS_SCRUB_INTERVAL_MINUTES"], out var scrub)) options.ScrubIntervalMinutes = scrub;
        if (configuration["CLAIMS_CLUSTER_DIR"] is { Length: > 0 } cluster) options.ClusterDir = cluster;
        if (configuration["CLAIMS_CLUSTER_MEMBERSHIP"] is { Length: > 0 } membership) options.ClusterMembership = membership;
        if (configuration["CLAIMS_CLUSTER_REDIS"] is { Length: > 0 } redis) options.ClusterRedis = redis;
        if (configuration["CLAIMS_CLUSTER_GATEWAYS"] is { Length: > 0 } gateways) options.ClusterGateways = gateways;
        if (configuration["CLAIMS_CLUSTER_ID"] is { Length: > 0 } clusterId) options.ClusterId = clusterId;
    }
}
