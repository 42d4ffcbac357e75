using System.Globalization;
using Claims.Sandbox.Datasets;

namespace Claims.Sandbox.Dashboards;

/// <summary>
/// The dashboard's monthly cost as a bar chart (PNG), drawn from the disclosure-controlled table itself, so a
/// suppressed month is a gap and nothing is shown that the table does not release. English labels: ScottPlot's
/// bundled renderer draws no Japanese without extra fonts.
/// </summary>
public static class CostChart
{
    public static byte[] Monthly(QueryResponse monthly, int yenPerPoint)
    {
        var month = Column(monthly, "service_month");
        var points = Column(monthly, "points");
        var bars = monthly.Rows.Select((row, i) => (Position: (double)i, Month: Convert.ToInt32(row[month], CultureInfo.InvariantCulture), Points: row[points]))
            .ToArray();
        var plot = new ScottPlot.Plot();
        plot.Add.Bars(bars.Where(b => b.Points is not null).Select(b => new ScottPlot.Bar
        {
            Position = b.Position,
            Value = Convert.ToDouble(b.Points, CultureInfo.InvariantCulture) * yenPerPoint / 1e6,
            FillColor = ScottPlot.Color.FromHex("#4a7bb7"),
        }).ToArray());
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (var bar in bars) ticks.AddMajor(bar.Position, $"{bar.Month / 100}-{bar.Month % 100:D2}");
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.TickLabelStyle.Rotation = 90;
        plot.Axes.Bottom.TickLabelStyle.Alignment = ScottPlot.Alignment.MiddleLeft;
        // Room for the rotated month labels, which the automatic layout measures unrotated.
        plot.Axes.Bottom.MinimumSize = 70;
        plot.Axes.Margins(bottom: 0);
        plot.Title("Monthly cost of the restricted dataset (disclosure-controlled; gaps are suppressed)");
        plot.YLabel("million yen (1 point = 10 yen)");
        return plot.GetImageBytes(900, 420, ScottPlot.ImageFormat.Png);
    }

    private static int Column(QueryResponse table, string name) =>
        table.Columns.Select((c, i) => (c.Name, i)).First(c => c.Name == name).i;
}
