using System.Globalization;

namespace Claims.Sandbox.Dashboards;

/// <summary>Which figure of a view a chart draws.</summary>
public enum ChartFigure
{
    Value,
    Adjusted,
    Index,
}

/// <summary>
/// A view as a sorted bar chart, one bar a prefecture, drawn from the view itself, so nothing is shown the view
/// does not release: the nation as a line, the target (where there is one) as a dashed line, and each prefecture
/// whose figure is hidden listed at the bottom with an "x" in place of a bar, never left out. Japanese labels where
/// the CJK font is there (<see cref="ChartFonts"/>). PNG or SVG; SVG names its font without embedding it.
/// </summary>
public static class IndicatorChart
{
    public static byte[] Render(IndicatorResponse view, ChartFigure figure, int? category, bool japanese, ScottPlot.ImageFormat format)
    {
        var rows = view.Rows.Where(r => r.Category == (category ?? view.Rows[0].Category)).ToArray();
        double? Of(IndicatorFigure r) => figure switch { ChartFigure.Adjusted => r.Adjusted, ChartFigure.Index => r.Index, _ => r.Value };
        var nation = rows.First(r => r.Prefecture is null);
        var shown = rows.Where(r => r.Prefecture is not null && !r.Suppressed && Of(r) is not null).OrderBy(r => Of(r)).ToArray();
        // Hidden by disclosure control, or without a figure (withheld, or no population): listed, never a gap.
        var hidden = rows.Where(r => r.Prefecture is not null && (r.Suppressed || Of(r) is null)).ToArray();

        var plot = new ScottPlot.Plot();
        if (japanese) plot.Font.Set(ChartFonts.Name);
        var bars = plot.Add.Bars(shown.Select((r, i) => new ScottPlot.Bar
        {
            Position = hidden.Length + i,
            Value = Of(r)!.Value,
            FillColor = ScottPlot.Color.FromHex("#4a7bb7"),
        }).ToArray());
        bars.Horizontal = true;
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (var i = 0; i < hidden.Length; i++)
        {
            ticks.AddMajor(i, hidden[i].PrefectureName);
            var mark = plot.Add.Text("x", 0, i);
            mark.LabelFontColor = ScottPlot.Color.FromHex("#b03030");
            mark.LabelAlignment = ScottPlot.Alignment.MiddleLeft;
        }
        for (var i = 0; i < shown.Length; i++) ticks.AddMajor(hidden.Length + i, shown[i].PrefectureName);
        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.Left.TickLabelStyle.FontSize = 9;

        if (Of(nation) is { } national)
        {
            var line = plot.Add.VerticalLine(national);
            line.Color = ScottPlot.Color.FromHex("#202020");
            line.LegendText = $"{nation.PrefectureName} {Format(national)}";
        }
        if (figure == ChartFigure.Value && view.Indicator.Target is { } target)
        {
            var line = plot.Add.VerticalLine(target);
            line.Color = ScottPlot.Color.FromHex("#c07000");
            line.LinePattern = ScottPlot.LinePattern.Dashed;
            line.LegendText = (japanese ? "目標 " : "target ") + Format(target);
        }
        // The lines are not in the automatic limits: a view whose prefectures are all hidden still shows the nation.
        double[] extent = [0, .. shown.Select(r => Of(r)!.Value), Of(nation) ?? 0, figure == ChartFigure.Value ? view.Indicator.Target ?? 0 : 0];
        plot.Axes.SetLimitsX(Math.Min(0, extent.Min()) * 1.05, Math.Max(extent.Max() * 1.05, 1));
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        var what = figure switch
        {
            ChartFigure.Adjusted => japanese ? "年齢調整後" : "age-adjusted",
            ChartFigure.Index => japanese ? "地域差指数" : "regional difference index",
            _ => "",
        };
        var categoryName = rows[0].CategoryName is { } name ? $" ({name})" : "";
        plot.Title($"{view.Indicator.Title}{categoryName} {what}".Trim()
            + (view.Withheld is null ? "" : japanese ? "\n(1人当たりの値は非公開: 人口は公表値でない)" : "\n(per-person figures withheld: no published population)"));
        plot.XLabel(figure == ChartFigure.Index ? "" : view.Indicator.Unit);
        var height = 120 + 14 * (shown.Length + hidden.Length);
        return format == ScottPlot.ImageFormat.Svg
            ? System.Text.Encoding.UTF8.GetBytes(plot.GetSvgXml(900, height))
            : plot.GetImageBytes(900, height, format);
    }

    private static string Format(double value) => value.ToString(value >= 100 ? "N0" : "0.###", CultureInfo.InvariantCulture);
}
