using System.Security.Claims;
using Claims.Sandbox.Audit;
using Claims.Sandbox.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Claims.Sandbox.Dashboards;

/// <summary>
/// GET /api/dashboards/costs for policymakers and admins. Analysts are left out: their way into restricted data is
/// their project, whose ledger records what they see.
/// </summary>
public static class DashboardsApi
{
    public static IEndpointRouteBuilder MapDashboardsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/dashboards").WithTags("Dashboards").RequireAuthorization(p => p.RequireRole(Roles.Policymaker, Roles.Admin));
        api.MapGet("/costs", GetCosts).WithName("GetCostDashboard")
            .WithSummary("Disclosure-controlled points (1 point = 10 yen) and patients of the restricted dataset by prefecture, sex × age band, claim kind and month");
        api.MapGet("/costs.png", GetCostChart).WithName("GetCostChart")
            .WithSummary("The dashboard's monthly cost as a bar chart; suppressed months are gaps")
            .Produces(StatusCodes.Status200OK, contentType: "image/png");
        return app;
    }

    public static CostDashboard GetCosts(CostDashboards dashboards, HttpContext context, ClaimsPrincipal user) =>
        Audited(dashboards.Get(user.Id()), context, user);

    public static FileContentHttpResult GetCostChart(CostDashboards dashboards, HttpContext context, ClaimsPrincipal user)
    {
        var dashboard = Audited(dashboards.Get(user.Id()), context, user);
        return TypedResults.File(CostChart.Monthly(dashboard.Monthly, dashboard.YenPerPoint), "image/png");
    }

    private static CostDashboard Audited(CostDashboard dashboard, HttpContext context, ClaimsPrincipal user)
    {
        var audit = AuditDetails.Of(context);
        audit.ProjectId = IndicatorViews.LedgerProject(user.Id());
        audit.ResultSize = new[] { dashboard.ByPrefecture, dashboard.BySexAgeBand, dashboard.ByClaimKind, dashboard.Monthly }.Sum(t => t.Rows.Count);
        audit.Suppression = string.Join("; ", dashboard.ByPrefecture.Rules);
        return dashboard;
    }
}
