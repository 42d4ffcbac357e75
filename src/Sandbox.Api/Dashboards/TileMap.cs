using System.Globalization;

namespace Claims.Sandbox.Dashboards;

/// <summary>
/// Japan's 47 prefectures as a tile map: one equal square each, placed roughly where the prefecture lies (Hokkaido
/// top right, Okinawa bottom left), so a small prefecture counts as much as a large one and every name fits. Each
/// tile is coloured by its figure on one scale; a hidden figure is a grey tile with an "x", never a blank.
/// </summary>
public static class TileMap
{
    /// <summary>Each prefecture's (column, row), row 0 at the top, by its JIS code (1 北海道 … 47 沖縄県).</summary>
    public static readonly IReadOnlyDictionary<int, (int Column, int Row)> Tiles = new Dictionary<int, (int, int)>
    {
        [1] = (12, 0), [2] = (12, 1), [3] = (12, 2), [4] = (12, 3), [5] = (11, 2), [6] = (11, 3), [7] = (11, 4),
        [8] = (11, 6), [9] = (11, 5), [10] = (10, 5), [11] = (10, 6), [12] = (11, 7), [13] = (10, 7), [14] = (10, 8),
        [15] = (10, 4), [16] = (9, 5), [17] = (8, 5), [18] = (7, 6), [19] = (9, 7), [20] = (9, 6), [21] = (8, 6),
        [22] = (9, 8), [23] = (8, 7), [24] = (7, 8), [25] = (7, 7), [26] = (6, 7), [27] = (5, 8), [28] = (5, 7),
        [29] = (6, 8), [30] = (6, 9), [31] = (4, 7), [32] = (3, 7), [33] = (4, 8), [34] = (3, 8), [35] = (2, 8),
        [36] = (5, 9), [37] = (4, 9), [38] = (3, 9), [39] = (4, 10), [40] = (1, 8), [41] = (0, 8), [42] = (0, 9),
        [43] = (1, 9), [44] = (2, 9), [45] = (2, 10), [46] = (1, 10), [47] = (0, 11),
    };

    private static readonly ScottPlot.Color s_hiddenFill = ScottPlot.Color.FromHex("#d0d0d0");

    /// <summary>Draws the prefectures' rows of one category; the figure of a row is <paramref name="figure"/>'s.</summary>
    internal static int Draw(ScottPlot.Plot plot, IReadOnlyList<IndicatorFigure> rows, Func<IndicatorFigure, double?> figure)
    {
        var shown = rows.Where(r => r.Prefecture is not null && !r.Suppressed && figure(r) is not null).Select(r => figure(r)!.Value).ToArray();
        var (low, high) = shown.Length == 0 ? (0, 1) : (shown.Min(), shown.Max());
        var colours = new ScottPlot.Colormaps.Viridis();
        foreach (var row in rows.Where(r => r.Prefecture is not null))
        {
            var (column, place) = Tiles[row.Prefecture!.Value];
            var value = row.Suppressed ? null : figure(row);
            // Rows grow downwards on the page, so a tile's top is minus its row.
            var tile = plot.Add.Rectangle(column, column + 0.95, -place - 0.95, -place);
            tile.FillStyle.Color = value is { } v ? colours.GetColor(high > low ? (v - low) / (high - low) : 0.5) : s_hiddenFill;
            tile.LineStyle.Width = 0;
            var light = value is { } w && (high <= low || (w - low) / (high - low) < 0.6);
            var label = plot.Add.Text($"{Short(row.PrefectureName)}\n{(value is { } x ? Format(x) : "x")}", column + 0.475, -place - 0.475);
            label.LabelAlignment = ScottPlot.Alignment.MiddleCenter;
            label.LabelFontSize = 10;
            label.LabelFontColor = value is null ? ScottPlot.Color.FromHex("#b03030") : light ? ScottPlot.Colors.White : ScottPlot.Colors.Black;
        }
        // The scale: five tiles from the lowest figure shown to the highest, below Okinawa's corner.
        for (var i = 0; i < 5; i++)
        {
            var v = low + (high - low) * i / 4;
            var key = plot.Add.Rectangle(5 + i * 1.4, 5 + i * 1.4 + 1.3, -11.6, -11.1);
            key.FillStyle.Color = colours.GetColor(i / 4.0);
            key.LineStyle.Width = 0;
            var text = plot.Add.Text(Format(v), 5 + i * 1.4 + 0.65, -11.85);
            text.LabelAlignment = ScottPlot.Alignment.UpperCenter;
            text.LabelFontSize = 9;
        }
        plot.Axes.Frameless();
        plot.HideGrid();
        plot.Axes.SetLimits(-0.2, 13.2, -12.6, 0.2);
        return 760;
    }

    /// <summary>The name without its 都・府・県 (東京, 大阪) or its English suffix: a tile holds four characters.</summary>
    private static string Short(string name) =>
        name is "北海道" ? name : name.EndsWith('県') || name.EndsWith('府') || name.EndsWith('都') ? name[..^1] : name;

    private static string Format(double value) => value.ToString(value >= 100 ? "N0" : "0.##", CultureInfo.InvariantCulture);
}
