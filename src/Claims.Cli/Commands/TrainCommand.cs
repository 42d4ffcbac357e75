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
        var spec = new Option<string>("--spec") { Description = "The model spec (data-schemas/model.schema.json), or - for standard input", Required = true };
        var output = CommonOptions.Out("The folder for report.json, report.html, spec.json, model.zip and model.onnx");
        var command = new Command("train", "Train a prediction model from a spec: a target cohort, an outcome window, features and a trainer") { data, spec, output };
        command.SetAction(parse =>
        {
            using var dataset = Dataset.Open(parse.GetValue(data)!);
            var parsed = ModelSpecParser.Parse(CommonOptions.ReadText(parse.GetValue(spec)!, input, "--spec"), dataset.Schema);
            var report = ModelRun.Train(dataset, parsed, parse.GetValue(output)!);
            var population = report.Population;
            console.MarkupLineInterpolated($"[bold]{report.Name}[/] ({report.Model}, {report.ElapsedSeconds:N1} s)");
            console.MarkupLineInterpolated($"cohort {population.Cohort:N0}, not observed to the end of months {population.OutcomeMonths}: {population.NotObservedToWindowEnd:N0}; members {population.Members:N0} with {population.Outcomes:N0} outcomes; test {population.Test:N0} with {population.TestOutcomes:N0}");
            console.MarkupLineInterpolated($"{report.Features.Count:N0} features ({report.Features.Dropped.Count:N0} rare flags dropped)");
            var table = new Table().AddColumn("test set").AddColumn(new TableColumn(report.Model).RightAligned()).AddColumn(new TableColumn("logistic baseline").RightAligned());
            foreach (var (name, chosen, baseline) in new[]
            {
                ("AUC-ROC", report.Metrics.AucRoc, report.Baseline.AucRoc), ("AUC-PR", report.Metrics.AucPr, report.Baseline.AucPr),
                ("Brier", report.Metrics.Brier, report.Baseline.Brier), ("log loss", report.Metrics.LogLoss, report.Baseline.LogLoss),
                ("calibration slope", report.Metrics.CalibrationSlope, report.Baseline.CalibrationSlope),
                ("calibration intercept", report.Metrics.CalibrationIntercept, report.Baseline.CalibrationIntercept),
            })
                table.AddRow(name, $"{chosen:F3}", $"{baseline:F3}");
            console.Write(table);
            var attack = report.MembershipInference;
            console.MarkupLineInterpolated($"membership inference: attack AUC {attack.AttackAuc:F3} (limit {attack.Limit:F2}): {(attack.Passed ? "passed" : "failed, the model remembers its training members")}");
            console.MarkupLineInterpolated($"written to {parse.GetValue(output)}: {ModelRun.ReportFile}, {ModelRun.PageFile}, {ModelRun.SpecFile}, {ModelRun.ModelFile}, {ModelRun.OnnxFile}");
            return 0;
        });
        return command;
    }
}
