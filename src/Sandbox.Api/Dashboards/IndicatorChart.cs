using System.Globalization;
using Claims.Engine.Indicators;

namespace Claims.Sandbox.Dashboards;

/// <summary>How a view that could be drawn by prefecture is drawn: bars, a tile map, or across its categories.</summary>
public enum ChartLayout
{
    Bars,
    Map,
    Categories,
}

/// <summary>Which figure of a view a chart draws.</summary>
public enum ChartFigure
{
    Value,
    Adjusted,
    Index,
}

/// <summary>
/// A view as a chart, drawn from the view itself, so nothing is shown the view does not release, and each hidden
/// figure is marked with an "x", never left out: a sorted bar chart by prefecture (the nation as a line, the target as
/// a dashed line, hidden prefectures listed at the bottom), or for a one-key breakdown the nation across its
/// categories; for a breakdown by age band and sex a pyramid (men left,
/// women right) of the nation or of the one prefecture asked for; for a breakdown by month a line per prefecture
/// asked for (the nation's without one). Japanese labels where the CJK font is there (<see cref="ChartFonts"/>). PNG
/// or SVG; SVG names its font without embedding it.
/// </summary>
public static class IndicatorChart
{
    private static readonly ScottPlot.Color s_hidden = ScottPlot.Color.FromHex("#b03030");

    /// <summary>How the view is drawn: by its breakdown.</summary>
    public static string Kind(Indicator indicator) => indicator.Breakdown.Select(k => k.Name).ToArray() switch
    {
        [BreakdownKey.AgeBand, "sex"] => "pyramid",
        [BreakdownKey.Month] => "trend",
        _ => "bars",
    };

    /// <summary>
    /// Draws the view by its breakdown, or by <paramref name="layout"/>: a by-prefecture view as a tile map rather
    /// than bars, or a one-key view across its categories.
    /// </summary>
    public static byte[] Render(IndicatorResponse view, Indicator indicator, ChartFigure figure, int? category, ChartLayout layout, bool japanese,
        ScottPlot.ImageFormat format)
    {
        var plot = new ScottPlot.Plot();
        if (japanese) plot.Font.Set(ChartFonts.Name);
        var (title, height) = Kind(indicator) switch
        {
            "pyramid" => Pyramid(plot, view, japanese),
            "trend" => Trend(plot, view, japanese),
            _ when layout == ChartLayout.Map => (Title(view, Chosen(view, category), figure, japanese), TileMap.Draw(plot, Chosen(view, category), r => Of(r, figure))),
            _ when layout == ChartLayout.Categories => Categories(plot, view, figure),
            _ => Bars(plot, view, figure, category, japanese),
        };
        plot.Title(title + (view.Withheld is null ? "" : japanese ? "\n(1人当たりの値は非公開: 人口は公表値でない)" : "\n(per-person figures withheld: no published population)"));
        return format == ScottPlot.ImageFormat.Svg
            ? System.Text.Encoding.UTF8.GetBytes(plot.GetSvgXml(900, height))
            : plot.GetImageBytes(900, height, format);
    }

    private static (string Title, int Height) Bars(ScottPlot.Plot plot, IndicatorResponse view, ChartFigure figure, int? category, bool japanese)
    {
        var rows = Chosen(view, category);
        double? Of(IndicatorFigure r) => IndicatorChart.Of(r, figure);
        var nation = rows.First(r => r.Prefecture is null);
        var shown = rows.Where(r => r.Prefecture is not null && !r.Suppressed && Of(r) is not null).OrderBy(r => Of(r)).ToArray();
        // Hidden by disclosure control, or without a figure (withheld, or no population): listed, never a gap.
        var hidden = rows.Where(r => r.Prefecture is not null && (r.Suppressed || Of(r) is null)).ToArray();

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
            Hidden(plot, 0, i, ScottPlot.Alignment.MiddleLeft);
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
        plot.XLabel(figure == ChartFigure.Index ? "" : view.Indicator.Unit);
        return (Title(view, rows, figure, japanese), 120 + 14 * (shown.Length + hidden.Length));
    }

    /// <summary>
    /// The nation's figure (or the one prefecture's asked for) for each category, in the key's order, so spending by
    /// chapter reads as the chapters' shares; a hidden category keeps its row with an "x".
    /// </summary>
    private static (string Title, int Height) Categories(ScottPlot.Plot plot, IndicatorResponse view, ChartFigure figure)
    {
        var place = Place(view);
        // The first category at the top, as the table lists it.
        var rows = view.Rows.Where(r => r.Prefecture == place).Reverse().ToArray();
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        var bars = new List<ScottPlot.Bar>();
        for (var i = 0; i < rows.Length; i++)
        {
            ticks.AddMajor(i, rows[i].CategoryNames[0]);
            if (rows[i].Suppressed || Of(rows[i], figure) is not { } value) Hidden(plot, 0, i, ScottPlot.Alignment.MiddleLeft);
            else bars.Add(new ScottPlot.Bar { Position = i, Value = value, FillColor = ScottPlot.Color.FromHex("#4a7bb7") });
        }
        plot.Add.Bars(bars.ToArray()).Horizontal = true;
        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.Left.TickLabelStyle.FontSize = 9;
        plot.Axes.SetLimitsX(Math.Min(0, bars.Select(b => b.Value).DefaultIfEmpty(0).Min()) * 1.05, Math.Max(bars.Select(b => b.Value).DefaultIfEmpty(0).Max() * 1.05, 1));
        plot.XLabel(figure == ChartFigure.Index ? "" : view.Indicator.Unit);
        var name = rows.FirstOrDefault()?.PrefectureName ?? "";
        return ($"{view.Indicator.Title} ({name})", 120 + 16 * rows.Length);
    }

    /// <summary>The one prefecture asked for, whose rows a pyramid or a view across categories draws; null (the nation) otherwise.</summary>
    private static int? Place(IndicatorResponse view) => view.Filter.Prefectures is [var only] ? only : null;

    /// <summary>The rows of one category (the first by default), the nation's and each prefecture's.</summary>
    private static IndicatorFigure[] Chosen(IndicatorResponse view, int? category)
    {
        var chosen = category is { } c ? [c] : view.Rows[0].Categories;
        return [.. view.Rows.Where(r => r.Categories.SequenceEqual(chosen))];
    }

    private static double? Of(IndicatorFigure row, ChartFigure figure) =>
        figure switch { ChartFigure.Adjusted => row.Adjusted, ChartFigure.Index => row.Index, _ => row.Value };

    private static string Title(IndicatorResponse view, IndicatorFigure[] rows, ChartFigure figure, bool japanese)
    {
        var what = figure switch
        {
            ChartFigure.Adjusted => japanese ? "年齢調整後" : "age-adjusted",
            ChartFigure.Index => japanese ? "地域差指数" : "regional difference index",
            _ => "",
        };
        var categoryName = rows[0].CategoryNames.Count > 0 ? $" ({string.Join(" ", rows[0].CategoryNames)})" : "";
        return $"{view.Indicator.Title}{categoryName} {what}".Trim();
    }

    /// <summary>Men to the left of zero, women to the right, a band a row, youngest at the bottom.</summary>
    private static (string Title, int Height) Pyramid(ScottPlot.Plot plot, IndicatorResponse view, bool japanese)
    {
        var place = Place(view);
        var rows = view.Rows.Where(r => r.Prefecture == place).ToArray();
        var bands = rows.Select(r => (Band: r.Categories[0], Name: r.CategoryNames[0])).Distinct().ToArray();
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        var bars = new List<ScottPlot.Bar>();
        for (var b = 0; b < bands.Length; b++)
        {
            ticks.AddMajor(b, bands[b].Name);
            foreach (var row in rows.Where(r => r.Categories[0] == bands[b].Band))
            {
                var left = row.Categories[1] == 1;
                if (row.Suppressed || row.Value is null)
                    Hidden(plot, 0, b, left ? ScottPlot.Alignment.MiddleRight : ScottPlot.Alignment.MiddleLeft);
                else
                    bars.Add(new ScottPlot.Bar
                    {
                        Position = b,
                        Value = left ? -row.Value.Value : row.Value.Value,
                        FillColor = ScottPlot.Color.FromHex(left ? "#4a7bb7" : "#c0504d"),
                    });
            }
        }
        plot.Add.Bars(bars.ToArray()).Horizontal = true;
        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => Format(Math.Abs(v)) };
        var widest = Math.Max(1, bars.Select(b => Math.Abs(b.Value)).DefaultIfEmpty(0).Max()) * 1.1;
        plot.Axes.SetLimitsX(-widest, widest);
        var name = rows.FirstOrDefault()?.PrefectureName ?? "";
        plot.XLabel(view.Indicator.Unit);
        return ($"{view.Indicator.Title} ({name}; {(japanese ? "左: 男  右: 女" : "left: men  right: women")})", 160 + 18 * bands.Length);
    }

    /// <summary>A line per place over the months, the target (where there is one) dashed; a hidden month is an "x" on the axis, the line broken there.</summary>
    private static (string Title, int Height) Trend(ScottPlot.Plot plot, IndicatorResponse view, bool japanese)
    {
        int?[] places = view.Filter.Prefectures is { Count: > 0 } chosen ? [.. chosen.Order().Distinct().Select(p => (int?)p)] : [null];
        var months = view.Rows.Select(r => (Month: r.Categories[0], Name: r.CategoryNames[0])).Distinct().ToArray();
        var palette = new ScottPlot.Palettes.Category10();
        for (var p = 0; p < places.Length; p++)
        {
            var rows = view.Rows.Where(r => r.Prefecture == places[p]).ToDictionary(r => r.Categories[0]);
            var color = palette.GetColor(p);
            var run = new List<ScottPlot.Coordinates>();
            var labelled = false;
            void Flush()
            {
                if (run.Count == 0) return;
                var line = plot.Add.ScatterLine(run.ToArray());
                line.Color = color;
                line.LineWidth = 2;
                if (!labelled) line.LegendText = view.Rows.First(r => r.Prefecture == places[p]).PrefectureName;
                labelled = true;
                run.Clear();
            }
            for (var m = 0; m < months.Length; m++)
            {
                if (rows.TryGetValue(months[m].Month, out var row) && !row.Suppressed && row.Value is { } value)
                {
                    run.Add(new ScottPlot.Coordinates(m, value));
                    continue;
                }
                Flush();
                Hidden(plot, m, 0, ScottPlot.Alignment.LowerCenter);
            }
            Flush();
        }
        if (view.Indicator.Target is { } target)
        {
            var line = plot.Add.HorizontalLine(target);
            line.Color = ScottPlot.Color.FromHex("#c07000");
            line.LinePattern = ScottPlot.LinePattern.Dashed;
            line.LegendText = (japanese ? "目標 " : "target ") + Format(target);
        }
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        var every = Math.Max(1, months.Length / 12);
        for (var m = 0; m < months.Length; m += every) ticks.AddMajor(m, months[m].Name);
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = ScottPlot.Alignment.MiddleLeft;
        double[] extent = [1, view.Indicator.Target ?? 0, .. view.Rows.Where(r => !r.Suppressed).Select(r => r.Value ?? 0)];
        plot.Axes.SetLimitsY(0, extent.Max() * 1.1);
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        plot.YLabel(view.Indicator.Unit);
        return (view.Indicator.Title, 500);
    }

    /// <summary>The mark of a figure disclosure control hid, or one without a figure.</summary>
    private static void Hidden(ScottPlot.Plot plot, double x, double y, ScottPlot.Alignment alignment)
    {
        var mark = plot.Add.Text("x", x, y);
        mark.LabelFontColor = s_hidden;
        mark.LabelAlignment = alignment;
    }

    private static string Format(double value) => value.ToString(value >= 100 ? "N0" : "0.###", CultureInfo.InvariantCulture);
}
