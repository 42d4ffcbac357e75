using System.Collections.Concurrent;
using Claims.Engine.Indicators;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Sandbox.Datasets;
using Claims.Sandbox.Hosting;
using Microsoft.Extensions.Options;

namespace Claims.Sandbox.Dashboards;

/// <summary>
/// Builds indicator views and keeps them, per ledger project, dataset, indicator and filter: the datasets do not
/// change while the service runs, and a view asked again should cost no budget and draw no new noise. On restricted
/// data each policymaker releases under a ledger project of their own (<c>dashboards-USERID</c>), so the near-cells
/// rule sees every view they were shown: kept for everybody instead, a view shown to one and then a near view
/// decided apart would give the difference of a few patients. Each release is kept too, by its query's text: views
/// that differ in a list filter share their releases (the lists add up released cells), so a second set of age
/// bands costs nothing more, whatever the data; the text decides, so the spend tells nothing of the patients. At
/// most <see cref="Kept"/> views (and four times as many releases) are kept; past it half of them go (built again,
/// they answer alike and cost their figures again).
/// </summary>
public sealed class IndicatorViews(DatasetRegistry registry, IReleaseLedger ledger, DisclosurePolicy policy, IOptions<SandboxOptions> options)
{
    public const int Kept = 2_000;

    private readonly ConcurrentDictionary<string, Lazy<IndicatorTable>> _views = new();
    private readonly ConcurrentDictionary<string, Lazy<DisclosedResult>> _releases = new();
    private long _built;

    public IndicatorTable Get(string dataset, string indicatorId, IndicatorFilter filter, string userId, CancellationToken cancellationToken)
    {
        var data = registry.Get(dataset);
        var indicator = IndicatorCatalog.Of(data.Schema)[indicatorId];
        var project = dataset == DatasetRegistry.Restricted ? LedgerProject(userId) : null;
        var key = $"{project}|{dataset}|{indicatorId}|{filter.Key}";
        var view = _views.GetOrAdd(key, _ => new Lazy<IndicatorTable>(() => Build(data, dataset, indicator, filter, project, cancellationToken)));
        try
        {
            var table = view.Value;
            if (Interlocked.Increment(ref _built) % 64 == 0 && (_views.Count > Kept || _releases.Count > 4 * Kept)) Trim();
            return table;
        }
        catch
        {
            // A failure (a spent budget, a cancelled caller) is not kept.
            _views.TryRemove(key, out _);
            throw;
        }
    }

    /// <summary>The ledger project a policymaker's dashboards release under.</summary>
    public static string LedgerProject(string userId) => $"dashboards-{userId}";

    private IndicatorTable Build(Engine.Storage.Dataset data, string dataset, Indicator indicator, IndicatorFilter filter, string? project,
        CancellationToken cancellationToken) =>
        IndicatorBuilder.Build(data, indicator, filter, text => Release(data, dataset, project ?? "synthetic", text, cancellationToken), cancellationToken);

    private DisclosedResult Release(Engine.Storage.Dataset data, string dataset, string project, string text, CancellationToken cancellationToken)
    {
        var key = $"{project}|{dataset}|{text}";
        var release = _releases.GetOrAdd(key, _ => new Lazy<DisclosedResult>(() => DisclosureControl.Apply(data, QueryParser.Parse(text, data.Schema),
            new DisclosureRequest(project, ledger, text, policy, options.Value.DashboardBudget), cancellationToken)));
        try
        {
            return release.Value;
        }
        catch
        {
            _releases.TryRemove(key, out _);
            throw;
        }
    }

    private void Trim()
    {
        foreach (var key in _views.Keys.Take(_views.Count / 2)) _views.TryRemove(key, out _);
        foreach (var key in _releases.Keys.Take(_releases.Count / 2)) _releases.TryRemove(key, out _);
    }
}
