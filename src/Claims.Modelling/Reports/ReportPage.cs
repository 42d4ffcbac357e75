using System.Globalization;
using System.Net;
using System.Text;
using Claims.Modelling.Evaluation;

namespace Claims.Modelling.Reports;

/// <summary>
/// report.html: the report for people, one self-contained page (the plots inline as PNG) with the population, the
/// test metrics beside the baseline's, the ROC curves, the calibration by decile and the features.
/// </summary>
internal static class ReportPage
{
    public static string Render(ModelReport report, IReadOnlyList<(double, double)> roc, IReadOnlyList<(double, double)> baselineRoc)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{E(report.Name)}}</title>
            <style>body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}
            td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}th:first-child,td:first-child{text-align:left}img{max-width:100%}</style></head><body>
            <h1>{{E(report.Name)}}</h1>
            <p>{{E(report.Model)}} on {{E(report.Dataset)}}, {{report.ElapsedSeconds.ToString("N1", CultureInfo.InvariantCulture)}} s.</p>
            <h2>Population</h2>
            <table><tr><th>step</th><th>members</th></tr>
            <tr><td>target cohort</td><td>{{report.Population.Cohort:N0}}</td></tr>
            <tr><td>not observed to the end of the outcome window (months {{report.Population.OutcomeMonths}})</td><td>{{report.Population.NotObservedToWindowEnd:N0}}</td></tr>
            <tr><td>members</td><td>{{report.Population.Members:N0}}</td></tr>
            <tr><td>members with the outcome</td><td>{{report.Population.Outcomes:N0}}</td></tr>
            <tr><td>training set</td><td>{{report.Population.Train:N0}}</td></tr>
            <tr><td>test set (with the outcome)</td><td>{{report.Population.Test:N0}} ({{report.Population.TestOutcomes:N0}})</td></tr></table>
            <h2>Test set</h2>
            <table><tr><th>metric</th><th>{{E(report.Model)}}</th><th>logistic baseline</th></tr>
            """);
        foreach (var (name, model, baseline) in new[]
        {
            ("AUC-ROC", report.Metrics.AucRoc, report.Baseline.AucRoc), ("AUC-PR", report.Metrics.AucPr, report.Baseline.AucPr),
            ("Brier", report.Metrics.Brier, report.Baseline.Brier), ("log loss", report.Metrics.LogLoss, report.Baseline.LogLoss),
            ("calibration slope", report.Metrics.CalibrationSlope, report.Baseline.CalibrationSlope),
            ("calibration intercept", report.Metrics.CalibrationIntercept, report.Baseline.CalibrationIntercept),
        })
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{name}</td><td>{model:F3}</td><td>{baseline:F3}</td></tr>");
        html.Append("</table>");
        var attack = report.MembershipInference;
        html.Append(CultureInfo.InvariantCulture, $"<p>Membership inference: an attacker scoring members by the model's loss tells training from test members with AUC {attack.AttackAuc:F3} (limit {attack.Limit:F2}: {(attack.Passed ? "passed" : "failed; a model from restricted data would be withheld")}).</p>");
        html.Append($"<img alt=\"ROC curves\" src=\"data:image/png;base64,{Convert.ToBase64String(RocPlot(report.Model, roc, baselineRoc))}\">");
        html.Append($"<img alt=\"calibration by decile\" src=\"data:image/png;base64,{Convert.ToBase64String(CalibrationPlot(report.Metrics.Calibration))}\">");
        html.Append("<h2>Calibration by decile of prediction</h2><table><tr><th>decile</th><th>members</th><th>with the outcome</th><th>mean predicted</th><th>observed rate</th></tr>");
        foreach (var bin in report.Metrics.Calibration)
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{bin.Bin}</td><td>{bin.Count:N0}</td><td>{bin.Observed:N0}</td><td>{bin.MeanPredicted:F3}</td><td>{bin.ObservedRate:F3}</td></tr>");
        html.Append(CultureInfo.InvariantCulture, $"</table><h2>Features</h2><p>{report.Features.Count:N0} features; {report.Features.Dropped.Count:N0} flags dropped as too rare.</p>");
        html.Append("<table><tr><th>feature (the 30 the model leans on most)</th><th>fall in test AUC when shuffled</th></tr>");
        foreach (var importance in report.Features.Importance)
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(importance.Feature)}</td><td>{importance.AucDrop:F4}</td></tr>");
        html.Append($"</table><p>All features: {E(string.Join(", ", report.Features.Names))}</p>");
        if (report.Features.Dropped.Count > 0) html.Append($"<p>Dropped: {E(string.Join(", ", report.Features.Dropped))}</p>");
        html.Append("</body></html>");
        return html.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static byte[] RocPlot(string model, IReadOnlyList<(double X, double Y)> roc, IReadOnlyList<(double X, double Y)> baseline) =>
        UnitSquare("ROC, test set", "false positive rate", "true positive rate", plot =>
        {
            foreach (var (curve, name) in new[] { (roc, model), (baseline, "logistic baseline") })
            {
                var line = plot.Add.Scatter(curve.Select(p => p.X).ToArray(), curve.Select(p => p.Y).ToArray());
                line.MarkerSize = 0;
                line.LegendText = name;
            }
        });

    private static byte[] CalibrationPlot(IReadOnlyList<CalibrationBin> bins) =>
        UnitSquare("Calibration, test set", "mean predicted", "observed rate", plot =>
            plot.Add.Scatter(bins.Select(b => b.MeanPredicted).ToArray(), bins.Select(b => b.ObservedRate).ToArray()).LegendText = "deciles");

    /// <summary>A plot on [0, 1]², with the diagonal dashed: chance for a ROC curve, perfect calibration for the other.</summary>
    private static byte[] UnitSquare(string title, string x, string y, Action<ScottPlot.Plot> draw)
    {
        var plot = new ScottPlot.Plot();
        draw(plot);
        plot.Add.Line(0, 0, 1, 1).LinePattern = ScottPlot.LinePattern.Dashed;
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(y);
        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.ShowLegend();
        return plot.GetImageBytes(480, 440, ScottPlot.ImageFormat.Png);
    }
}
