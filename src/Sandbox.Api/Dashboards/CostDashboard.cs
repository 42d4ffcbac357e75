using System.Diagnostics;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Sandbox.Datasets;

namespace Claims.Sandbox.Dashboards;

/// <summary>
/// The policymakers' cost dashboard: total points and patients of the restricted dataset by prefecture, by sex ×
/// age band, by claim kind and by service month, each through disclosure control under the service's own ledger
/// project (<c>dashboards</c>). Points are the fee schedule's unit: 1 point = 10 yen.
/// </summary>
public sealed record CostDashboard(string Dataset, string Unit, int YenPerPoint, int Threshold, QueryResponse ByPrefecture, QueryResponse BySexAgeBand,
    QueryResponse ByClaimKind, QueryResponse Monthly);

/// <summary>
/// Builds the dashboard once and keeps it: the datasets are fixed for the service's life, so the same tables would
/// be computed, and the same cohort recorded in the ledger, on every visit. A failure is not kept.
/// </summary>
public sealed class CostDashboards(DatasetRegistry registry, IReleaseLedger ledger, DisclosurePolicy policy)
{
    public const string Project = "dashboards";

    private readonly Lock _lock = new();
    private CostDashboard? _built;

    public CostDashboard Get()
    {
        lock (_lock) return _built ??= Build();
    }

    private CostDashboard Build()
    {
        var dataset = registry.Get(DatasetRegistry.Restricted);
        QueryResponse Table(params string[] groupBy)
        {
            var keys = string.Join(", ", groupBy.Select(k => $"\"{k}\""));
            var json = $$"""
                {"from": "receipts", "groupBy": [{{keys}}],
                 "select": [{"sum": "total_points", "as": "points"}, {"countDistinct": "patient_id", "as": "patients"}],
                 "orderBy": [{{string.Join(", ", groupBy.Select(k => $"{{\"col\": \"{k}\"}}"))}}]}
                """;
            var stopwatch = Stopwatch.StartNew();
            var query = QueryParser.Parse(json, dataset.Schema);
            var result = DisclosureControl.Apply(dataset, query, new DisclosureRequest(Project, ledger, json, policy, Budget: long.MaxValue));
            return QueryResponse.From(result, query, stopwatch.Elapsed);
        }
        return new CostDashboard(DatasetRegistry.Restricted, "points", 10, policy.Threshold,
            Table("prefecture"), Table("sex", "age_band"), Table("claim_kind"), Table("service_month"));
    }
}
