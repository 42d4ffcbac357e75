using System.Globalization;
using System.Net;
using System.Text;
using Claims.Engine.Privacy;
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
            <tr><td>target cohort</td><td>{{N(report.Population.Cohort)}}</td></tr>
            <tr><td>not observed to the end of the outcome window (months {{report.Population.OutcomeMonths}}): {{(report.Population.Censored ? "kept, censored" : "left out")}}</td><td>{{N(report.Population.NotObservedToWindowEnd)}}</td></tr>
            <tr><td>members</td><td>{{N(report.Population.Members)}}</td></tr>
            <tr><td>members with the outcome</td><td>{{N(report.Population.Outcomes)}}</td></tr>
            <tr><td>training set</td><td>{{N(report.Population.Train)}}</td></tr>
            <tr><td>test set (with the outcome)</td><td>{{N(report.Population.Test)}} ({{N(report.Population.TestOutcomes)}})</td></tr></table>
            <h2>Test set</h2>
            <table><tr><th>metric</th><th>{{E(report.Model)}}</th><th>{{(report.Regression is null ? "logistic" : "linear")}} baseline</th></tr>
            """);
        foreach (var (name, model, baseline) in Metrics(report))
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{name}</td><td>{model:F3}</td><td>{baseline:F3}</td></tr>");
        html.Append("</table>");
        var attack = report.MembershipInference;
        var disclosure = report.Disclosure;
        var failed = disclosure.Restricted ? "failed: the model is withheld" : "failed; a model from restricted data would be withheld";
        html.Append(CultureInfo.InvariantCulture, $"<p>Membership inference: an attacker scoring members by the model's loss tells training from test members with AUC {attack.AttackAuc:F3} (limit {attack.Limit:F2}: {(attack.Passed ? "passed" : failed)}).</p>");
        if (report.Regression is { } quantity) Regression(html, quantity);
        else Classification(html, report.Model, report.Metrics!, roc, baselineRoc);
        var dropped = disclosure.Restricted ? "flags too rare dropped, and not listed" : $"{report.Features.Dropped.Count:N0} flags dropped as too rare";
        html.Append(CultureInfo.InvariantCulture, $"</table><h2>Features</h2><p>{report.Features.Count:N0} features; {dropped}.</p>");
        html.Append($"<table><tr><th>feature (the 30 the model leans on most)</th><th>fall in test {E(report.Features.ImportanceMetric)} when shuffled</th></tr>");
        foreach (var importance in report.Features.Importance)
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(importance.Feature)}</td><td>{importance.Drop:F4}</td></tr>");
        html.Append($"</table><p>All features: {E(string.Join(", ", report.Features.Names))}</p>");
        if (report.Features.Dropped.Count > 0) html.Append($"<p>Dropped: {E(string.Join(", ", report.Features.Dropped))}</p>");
        if (disclosure.Restricted)
        {
            html.Append($"<h2>Disclosure control</h2><p>Released to project {E(disclosure.Project ?? "")} from restricted data; {E(DisclosurePolicy.Marker)} marks a suppressed count.</p>");
            if (disclosure.Withheld is { } why) html.Append($"<p><strong>The model is {E(why)}</strong></p>");
            html.Append("<ul>");
            foreach (var rule in disclosure.Rules) html.Append($"<li>{E(rule)}</li>");
            html.Append("</ul>");
        }
        html.Append("</body></html>");
        return html.ToString();
    }

    private static IEnumerable<(string Name, double Model, double Baseline)> Metrics(ModelReport report)
    {
        if (report.Regression is { } model && report.RegressionBaseline is { } line)
            return [("RMSE", model.Rmse, line.Rmse), ("MAE", model.Mae, line.Mae), ("R²", model.RSquared, line.RSquared)];
        var (chosen, baseline) = (report.Metrics!, report.Baseline!);
        return
        [
            ("AUC-ROC", chosen.AucRoc, baseline.AucRoc), ("AUC-PR", chosen.AucPr, baseline.AucPr), ("Brier", chosen.Brier, baseline.Brier),
            ("log loss", chosen.LogLoss, baseline.LogLoss), ("calibration slope", chosen.CalibrationSlope, baseline.CalibrationSlope),
            ("calibration intercept", chosen.CalibrationIntercept, baseline.CalibrationIntercept),
        ];
    }

    private static void Classification(StringBuilder html, string model, BinaryReport metrics, IReadOnlyList<(double, double)> roc, IReadOnlyList<(double, double)> baselineRoc)
    {
        if (roc.Count > 0) html.Append($"<img alt=\"ROC curves\" src=\"data:image/png;base64,{Convert.ToBase64String(RocPlot(model, roc, baselineRoc))}\">");
        else html.Append($"<p>No ROC curve: a decile's count is suppressed ({DisclosurePolicy.Marker}).</p>");
        html.Append($"<img alt=\"calibration by decile\" src=\"data:image/png;base64,{Convert.ToBase64String(CalibrationPlot(metrics.Calibration))}\">");
        html.Append("<h2>Calibration by decile of prediction</h2><table><tr><th>decile</th><th>members</th><th>with the outcome</th><th>mean predicted</th><th>observed rate</th></tr>");
        foreach (var bin in metrics.Calibration)
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{bin.Bin}</td><td>{N(bin.Count)}</td><td>{N(bin.Observed)}</td><td>{(bin.MeanPredicted is { } predicted ? predicted.ToString("F3", CultureInfo.InvariantCulture) : DisclosurePolicy.Marker)}</td><td>{(bin.ObservedRate is { } rate ? rate.ToString("F3", CultureInfo.InvariantCulture) : DisclosurePolicy.Marker)}</td></tr>");
    }

    private static void Regression(StringBuilder html, RegressionReport metrics)
    {
        var plot = new ScottPlot.Plot();
        var shown = metrics.Calibration.Where(b => b.MeanPredicted is not null && b.MeanObserved is not null).ToArray();
        var (predicted, observed) = (shown.Select(b => b.MeanPredicted!.Value).ToArray(), shown.Select(b => b.MeanObserved!.Value).ToArray());
        plot.Add.Scatter(predicted, observed).LegendText = "deciles";
        var top = Math.Max(predicted.DefaultIfEmpty(0).Max(), observed.DefaultIfEmpty(0).Max());
        plot.Add.Line(0, 0, top, top).LinePattern = ScottPlot.LinePattern.Dashed;
        plot.Title("Calibration, test set");
        plot.XLabel("mean predicted");
        plot.YLabel("mean observed");
        plot.ShowLegend();
        html.Append($"<img alt=\"calibration by decile\" src=\"data:image/png;base64,{Convert.ToBase64String(plot.GetImageBytes(480, 440, ScottPlot.ImageFormat.Png))}\">");
        html.Append(CultureInfo.InvariantCulture, $"<h2>Calibration by decile of prediction</h2><p>Mean observed over the test set: {metrics.MeanObserved:N1}.</p>");
        if (metrics.Noise != RegressionNoise.None)
            html.Append(CultureInfo.InvariantCulture,
                $"<p>Released from restricted data, each figure carries noise; its standard deviation is about {metrics.Noise.MeanObserved:N1} in the mean observed, {metrics.Noise.RSquared:F3} in R², {metrics.Noise.DecileMean:N1} in a decile's means and {metrics.Noise.ImportanceDrop:F3} in a feature's fall in R².</p>");
        html.Append("<table><tr><th>decile</th><th>members</th><th>mean predicted</th><th>mean observed</th></tr>");
        foreach (var bin in metrics.Calibration)
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{bin.Bin}</td><td>{N(bin.Count)}</td><td>{Mean(bin.MeanPredicted)}</td><td>{Mean(bin.MeanObserved)}</td></tr>");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string N(long? count) => count is { } value ? value.ToString("N0", CultureInfo.InvariantCulture) : DisclosurePolicy.Marker;

    private static string Mean(double? mean) => mean is { } value ? value.ToString("N1", CultureInfo.InvariantCulture) : DisclosurePolicy.Marker;

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
            plot.Add.Scatter(bins.Where(Shown).Select(b => b.MeanPredicted!.Value).ToArray(), bins.Where(Shown).Select(b => b.ObservedRate!.Value).ToArray()).LegendText = "deciles");

    private static bool Shown(CalibrationBin bin) => bin.ObservedRate is not null && bin.MeanPredicted is not null;

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
