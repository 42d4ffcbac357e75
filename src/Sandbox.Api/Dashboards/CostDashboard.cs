using System.Collections.Concurrent;
using System.Diagnostics;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Sandbox.Datasets;
using Claims.Sandbox.Hosting;
using Microsoft.Extensions.Options;

namespace Claims.Sandbox.Dashboards;

/// <summary>
/// The policymakers' cost dashboard: total points and patients of the restricted dataset by prefecture, by sex ×
/// age band, by claim kind and by service month, each through disclosure control under the policymaker's ledger
/// project (<c>dashboards-USERID</c>). Points are the fee schedule's unit: 1 point = 10 yen.
/// </summary>
public sealed record CostDashboard(string Dataset, string Unit, int YenPerPoint, int Threshold, QueryResponse ByPrefecture, QueryResponse BySexAgeBand,
    QueryResponse ByClaimKind, QueryResponse Monthly);

/// <summary>
/// Builds each policymaker's dashboard once and keeps it: the datasets are fixed for the service's life, so the
/// same tables would be computed, and the same cohort recorded in the ledger, on every visit. It releases under the
/// policymaker's own ledger project, the one their indicator views release under
/// (<see cref="IndicatorViews.LedgerProject"/>): built once for everybody under a project of its own, its
/// prefectures beside a view without a band's few patients were two ledgers' decisions, whose difference gave
/// those patients' points. A failure is not kept.
/// </summary>
public sealed class CostDashboards(DatasetRegistry registry, IReleaseLedger ledger, DisclosurePolicy policy, IOptions<SandboxOptions> options)
{
    private readonly ConcurrentDictionary<string, Lazy<CostDashboard>> _built = new();

    public CostDashboard Get(string userId)
    {
        var project = IndicatorViews.LedgerProject(userId);
        var built = _built.GetOrAdd(project, p => new Lazy<CostDashboard>(() => Build(p)));
        try
        {
            return built.Value;
        }
        catch
        {
            _built.TryRemove(project, out _);
            throw;
        }
    }

    private CostDashboard Build(string project)
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
            var result = DisclosureControl.Apply(dataset, query, new DisclosureRequest(project, ledger, json, policy, options.Value.DashboardBudget));
            return QueryResponse.From(result, query, stopwatch.Elapsed);
        }
        return new CostDashboard(DatasetRegistry.Restricted, "points", 10, policy.Threshold,
            Table("prefecture"), Table("sex", "age_band"), Table("claim_kind"), Table("service_month"));
    }
}
