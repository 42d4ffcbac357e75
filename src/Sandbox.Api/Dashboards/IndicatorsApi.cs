using System.Globalization;
using System.Security.Claims;
using Claims.Engine.Indicators;
using Claims.Engine.Schema;
using Claims.Sandbox.Audit;
using Claims.Sandbox.Datasets;
using Claims.Sandbox.Identity;
using Claims.Sandbox.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Claims.Sandbox.Dashboards;

/// <summary>
/// The policymakers' indicators (data-schemas/indicators.json): the catalogue, and a view of one indicator by
/// prefecture and for the nation under a filter, as JSON or CSV. On the synthetic dataset every role may look (a
/// demonstration); on the restricted one only policymakers and admins, each through disclosure control under a
/// ledger project of their own (<see cref="IndicatorViews"/>). Analysts use their projects.
/// </summary>
public static class IndicatorsApi
{
    public static IEndpointRouteBuilder MapIndicatorsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/dashboards/indicators").WithTags("Dashboards").RequireAuthorization();
        api.MapGet("/", List).WithName("ListIndicators").WithSummary("The dashboard indicators: each one's definition, source, unit, target and filters");
        api.MapGet("/{id}", View).WithName("GetIndicator")
            .WithSummary("One indicator by prefecture and for the nation; ?dataset=synthetic|restricted, from, to (YYYYMM), prefecture, sex, ageBand, insurerKind, claimKind (comma-separated codes), lang=ja|en, format=json|csv|png|svg, and for charts chart=value|adjusted|index, category and layout=bars|map|categories (a tile map of the prefectures; a one-key breakdown's categories for the nation or the one prefecture asked)")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        return app;
    }

    public static IReadOnlyList<IndicatorInfo> List(ClaimsSchema schema, string? lang = null) =>
        [.. IndicatorCatalog.Of(schema).Indicators.Select(i => IndicatorInfo.Of(i, lang == "en"))];

    public static Results<Ok<IndicatorResponse>, ContentHttpResult, FileContentHttpResult, ProblemHttpResult> View(string id, HttpContext context,
        IndicatorViews views, DatasetRegistry registry, ClaimsPrincipal user, ILogger<IndicatorViews> logger, string dataset = DatasetRegistry.Synthetic,
        string? lang = null, string? format = null, string? chart = null, int? category = null, string? layout = null)
    {
        if (!registry.Names.Contains(dataset)) return DatasetsApi.UnknownDataset(dataset);
        if (lang is not (null or "ja" or "en")) return Problems.BadRequest($"lang '{lang}' is not a language here: ask lang=ja or lang=en");
        if (format is not (null or "json" or "csv" or "png" or "svg"))
            return Problems.BadRequest($"format '{format}' is not served: ask format=json, csv, png or svg");
        if (chart is not (null or "value" or "adjusted" or "index")) return Problems.BadRequest($"chart '{chart}' is not a figure: ask chart=value, adjusted or index");
        if (layout is not (null or "bars" or "map" or "categories")) return Problems.BadRequest($"layout '{layout}' is not drawn: ask layout=bars, map or categories");
        if (dataset == DatasetRegistry.Restricted && user.Role() is not (Roles.Policymaker or Roles.Admin))
            return Problems.Forbidden("the restricted dataset's dashboards are for policymakers and admins; analysts query it inside their project");
        if (registry.Unavailable(dataset) is { } reason) throw new DatasetUnavailableException(dataset, reason);
        if (FilterError(context.Request.Query) is { } error) return Problems.BadRequest(error);

        var table = views.Get(dataset, id, Filter(context.Request.Query), user.Id(), context.RequestAborted);
        var figure = Enum.Parse<ChartFigure>(chart ?? "value", ignoreCase: true);
        if (figure != ChartFigure.Value && table.Indicator.AgeGroups is null)
            return Problems.BadRequest($"indicator '{id}' is not standardised: it has no {chart} figure to chart");
        if (category is { } c && CategoryError(table, c) is { } wrong) return Problems.BadRequest(wrong);
        var drawn = Enum.Parse<ChartLayout>(layout ?? "bars", ignoreCase: true);
        if (drawn != ChartLayout.Bars && IndicatorChart.Kind(table.Indicator) != "bars")
            return Problems.BadRequest($"indicator '{id}' is drawn as a {IndicatorChart.Kind(table.Indicator)}, not by prefecture: it has no {layout} layout");
        if (drawn == ChartLayout.Categories && table.Indicator.Breakdown.Count == 0)
            return Problems.BadRequest($"indicator '{id}' has no breakdown: it has no categories to draw");
        // Japanese charts need the CJK font; without it they are drawn in English rather than as empty boxes.
        var english = lang == "en" || (format is "png" or "svg" && !Japanese(logger));
        var response = IndicatorResponse.Of(table, dataset, registry.Get(dataset).Schema, english);
        var audit = AuditDetails.Of(context);
        audit.ProjectId = dataset == DatasetRegistry.Restricted ? IndicatorViews.LedgerProject(user.Id()) : null;
        audit.SubjectHash = AuditDetails.HashOf($"{id}?{table.Filter.Key}");
        audit.ResultSize = response.Rows.Count;
        audit.Suppression = string.Join("; ", response.Rules);
        return format switch
        {
            "csv" => TypedResults.Content(response.Csv(), "text/csv; charset=utf-8"),
            "png" => TypedResults.File(IndicatorChart.Render(response, table.Indicator, figure, category, drawn, !english, ScottPlot.ImageFormat.Png), "image/png"),
            "svg" => TypedResults.File(IndicatorChart.Render(response, table.Indicator, figure, category, drawn, !english, ScottPlot.ImageFormat.Svg), "image/svg+xml"),
            _ => TypedResults.Ok(response),
        };
    }

    /// <summary>Why a chart cannot be drawn for <paramref name="category"/>: it picks one of a single key's categories for the bars by prefecture.</summary>
    private static string? CategoryError(IndicatorTable table, int category)
    {
        var id = table.Indicator.Id;
        if (table.Indicator.Breakdown is not [var key]) return $"indicator '{id}' has {(table.Indicator.Breakdown.Count == 0 ? "no breakdown" : "two breakdown keys")}, so no category {category}";
        if (IndicatorChart.Kind(table.Indicator) != "bars") return $"indicator '{id}' is drawn as a {IndicatorChart.Kind(table.Indicator)} of every {key.Name}: no category to pick";
        return table.Rows.Any(r => r.Categories[0] == category)
            ? null
            : $"category {category} is not a {key.Name} of indicator '{id}': its categories are {string.Join(", ", table.Rows.Select(r => r.Categories[0]).Distinct())}";
    }

    private static bool Japanese(ILogger logger)
    {
        if (ChartFonts.Japanese) return true;
        if (Interlocked.Exchange(ref s_warned, 1) == 0)
            logger.LogWarning("No CJK font at {File} (Debian: apt-get install fonts-noto-cjk): charts are drawn in English", ChartFonts.DebianFile);
        return false;
    }

    private static int s_warned;

    private static readonly string[] s_parameters = ["from", "to", "prefecture", "sex", "ageBand", "insurerKind", "claimKind"];

    /// <summary>The filter the query string asks for, once <see cref="FilterError"/> found its numbers well formed.</summary>
    private static IndicatorFilter Filter(IQueryCollection query)
    {
        int? One(string name) => query.TryGetValue(name, out var v) ? int.Parse(v.ToString(), CultureInfo.InvariantCulture) : null;
        int[]? List(string name) => query.TryGetValue(name, out var v) ? Numbers(v.ToString())! : null;
        return new IndicatorFilter(One("from"), One("to"), List("prefecture"), One("sex"), List("ageBand"), List("insurerKind"), List("claimKind"));
    }

    private static string? FilterError(IQueryCollection query)
    {
        foreach (var name in s_parameters)
        {
            if (!query.TryGetValue(name, out var value)) continue;
            var single = name is "from" or "to" or "sex";
            var text = value.ToString();
            if (single ? !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _) : Numbers(text) is null)
                return single ? $"{name} '{text}' is not a number" : $"{name} '{text}' is not a comma-separated list of codes";
        }
        return null;
    }

    private static int[]? Numbers(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var numbers = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i])) return null;
        return numbers;
    }
}
