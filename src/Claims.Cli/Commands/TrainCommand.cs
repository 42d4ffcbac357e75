using System.CommandLine;
using Claims.Engine.Storage;
using Claims.Modelling.Spec;
using Claims.Modelling.Training;
using Spectre.Console;

namespace Claims.Cli.Commands;

/// <summary>`claims train`: fit a model spec on a dataset and write its report, spec and model to a folder.</summary>
internal static class TrainCommand
{
    public static Command Create(IAnsiConsole console, TextReader input)
    {
        var data = CommonOptions.Data();
        data.Required = false;
        var cluster = new ClusterTarget();
        var spec = new Option<string>("--spec") { Description = "The model spec (data-schemas/model.schema.json), or - for standard input", Required = true };
        var output = CommonOptions.Out("The folder for report.json, report.html, spec.json, model.zip and model.onnx");
        var disclosure = new DisclosureOptions("The project a model of restricted data is released to (required on restricted data)");
        var command = new Command("train", "Train a prediction model from a spec: a target cohort, an outcome window, features and a trainer (on a dataset, or on a split dataset through its cluster)")
        {
            data, spec, output,
        };
        cluster.AddTo(command);
        disclosure.AddTo(command);
        command.SetAction(parse =>
        {
            var text = CommonOptions.ReadText(parse.GetValue(spec)!, input, "--spec");
            var report = cluster.Chosen(parse, data)
                ? cluster.Run(parse, period: null, split => ModelRun.Train(split, ModelSpecParser.Parse(text, split.Schema), parse.GetValue(output)!,
                    disclosure.Request(parse, split.Manifest.Access, split.Directory, text)))
                : OnThisMachine();
            var population = report.Population;
            console.MarkupLineInterpolated($"[bold]{report.Name}[/] ({report.Model}, {report.ElapsedSeconds:N1} s)");
            console.MarkupLineInterpolated($"cohort {N(population.Cohort)}, not observed to the end of months {population.OutcomeMonths}: {N(population.NotObservedToWindowEnd)} ({(population.Censored ? "kept, censored" : "left out")}); members {N(population.Members)} with {N(population.Outcomes)} outcomes; test {N(population.Test)} with {N(population.TestOutcomes)}");
            console.MarkupLineInterpolated($"{report.Features.Count:N0} features ({(report.Disclosure.Restricted ? "rare flags dropped, not listed" : $"{report.Features.Dropped.Count:N0} rare flags dropped")})");
            var linear = report.Regression is null ? "logistic baseline" : "linear baseline";
            var table = new Table().AddColumn("test set").AddColumn(new TableColumn(report.Model).RightAligned()).AddColumn(new TableColumn(linear).RightAligned());
            var rows = report.Regression is { } model && report.RegressionBaseline is { } line
                ? new[] { ("RMSE", model.Rmse, line.Rmse), ("MAE", model.Mae, line.Mae), ("R²", model.RSquared, line.RSquared) }
                : new[]
                {
                    ("AUC-ROC", report.Metrics!.AucRoc, report.Baseline!.AucRoc), ("AUC-PR", report.Metrics.AucPr, report.Baseline.AucPr),
                    ("Brier", report.Metrics.Brier, report.Baseline.Brier), ("log loss", report.Metrics.LogLoss, report.Baseline.LogLoss),
                    ("calibration slope", report.Metrics.CalibrationSlope, report.Baseline.CalibrationSlope),
                    ("calibration intercept", report.Metrics.CalibrationIntercept, report.Baseline.CalibrationIntercept),
                };
            foreach (var (name, chosen, baseline) in rows)
                table.AddRow(name, $"{chosen:F3}", $"{baseline:F3}");
            console.Write(table);
            var attack = report.MembershipInference;
            console.MarkupLineInterpolated($"membership inference: attack AUC {attack.AttackAuc:F3} (limit {attack.Limit:F2}): {(attack.Passed ? "passed" : "failed, the model remembers its training members")}");
            foreach (var rule in report.Disclosure.Rules) console.MarkupLineInterpolated($"[grey]{rule}[/]");
            if (report.Disclosure.Withheld is { } withheld)
            {
                console.MarkupLineInterpolated($"[red]the model is {withheld}[/]");
                console.MarkupLineInterpolated($"written to {parse.GetValue(output)}: {ModelRun.ReportFile}, {ModelRun.PageFile}, {ModelRun.SpecFile}");
                return 0;
            }
            console.MarkupLineInterpolated($"written to {parse.GetValue(output)}: {ModelRun.ReportFile}, {ModelRun.PageFile}, {ModelRun.SpecFile}, {ModelRun.ModelFile}, {ModelRun.OnnxFile}");
            return 0;

            Modelling.Reports.ModelReport OnThisMachine()
            {
                using var dataset = Dataset.Open(parse.GetValue(data)!);
                return ModelRun.Train(dataset, ModelSpecParser.Parse(text, dataset.Schema), parse.GetValue(output)!, disclosure.Request(parse, dataset, text));
            }
        });
        return command;
    }

    private static string N(long? count) => count is { } value ? value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : Engine.Privacy.DisclosurePolicy.Marker;
}
