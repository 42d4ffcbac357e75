using System.Diagnostics;
using System.Text.Json;
using Claims.Engine;
using Claims.Engine.Storage;
using Claims.Modelling.Evaluation;
using Claims.Modelling.Features;
using Claims.Modelling.Reports;
using Claims.Modelling.Scoring;
using Claims.Modelling.Spec;

namespace Claims.Modelling.Training;

/// <summary>
/// One spec on one dataset, in steps: the population (cohort, observed window, outcomes), its features from the
/// engine's scans, the split by patient, the chosen model and the logistic baseline fitted on the training members
/// and scored on the test members; then report.json, report.html, the spec and model.zip (with the spec and the
/// feature names inside, for <see cref="ModelScoring"/>) and model.onnx (the same model for onnxruntime) written
/// to the output folder.
/// </summary>
public static class ModelRun
{
    public const string ReportFile = "report.json";
    public const string ModelFile = "model.zip";
    public const string SpecFile = "spec.json";
    public const string PageFile = "report.html";
    public const string OnnxFile = "model.onnx";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static ModelReport Train(Dataset dataset, ModelSpec spec, string output, CancellationToken cancellationToken = default)
    {
        // Figures and a fitted model from restricted data need model disclosure control (threshold and differencing
        // on every count of the report, a membership-inference check on the model), which is not built yet.
        if (dataset.Manifest.Access == DatasetAccess.Restricted)
            throw new ClaimsException($"the dataset at '{dataset.Directory}' is restricted: models are trained on synthetic (public) datasets only until model disclosure control is in place");
        var stopwatch = Stopwatch.StartNew();
        var population = Population.Build(dataset, spec, cancellationToken);
        if (population.Count == 0) throw new ModelSpecException("target", "no member of the cohort is observed to the end of the outcome window: nothing to train on");
        var features = FeatureExtractor.Extract(dataset, population, spec.Features, cancellationToken);
        var test = Enumerable.Range(0, population.Count).Where(m => Split.IsTest(spec.Split, population.Patients[m], population.Index[m])).ToArray();
        var train = Enumerable.Range(0, population.Count).Except(test).ToArray();
        var labels = population.Outcome;
        foreach (var (set, name) in new[] { (train, "training"), (test, "test") })
        {
            if (set.All(m => labels[m]) || set.All(m => !labels[m]))
                throw new ModelSpecException("outcome", $"the {name} set of {set.Length} members has only one class ({(set.Length > 0 && labels[set[0]] ? "every" : "no")} member has the outcome): a model cannot be fitted or judged");
        }
        var trainer = new ModelTrainer(spec.Model, spec.Split.Seed);
        var chosen = trainer.Fit(spec.Model.Kind, features, labels, train, test);
        var baseline = spec.Model.Kind == TrainerKind.LogisticRegression ? chosen : trainer.Fit(TrainerKind.LogisticRegression, features, labels, train, test);
        var observed = test.Select(m => labels[m]).ToArray();
        var report = new ModelReport(spec.Name, dataset.Directory, spec.Model.Kind.ToString(),
            new PopulationReport(population.Cohort, population.Cohort - population.Count, population.Count, population.Outcomes, train.Length, test.Length,
                observed.Count(o => o), spec.Outcome.Window.ToString()),
            new FeaturesReport(features.Width, features.Names, features.Dropped,
                PermutationImportance.Compute(trainer, chosen, features, observed, test, spec.Split.Seed, top: 30)),
            Evaluate(chosen, observed), Evaluate(baseline, observed),
            MembershipInference.Attack(chosen.TrainProbabilities, train.Select(m => labels[m]).ToArray(), chosen.TestProbabilities, observed),
            Math.Round(stopwatch.Elapsed.TotalSeconds, 2));
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, ReportFile), JsonSerializer.Serialize(report, s_json));
        File.WriteAllText(Path.Combine(output, SpecFile), spec.Json);
        File.WriteAllText(Path.Combine(output, PageFile), ReportPage.Render(report, Roc(chosen, observed), Roc(baseline, observed)));
        ModelPackage.Write(trainer, chosen, spec, features.Names, Path.Combine(output, ModelFile));
        using (var onnx = File.Create(Path.Combine(output, OnnxFile))) trainer.SaveOnnx(chosen, features.Width, onnx);
        return report;
    }

    private static IReadOnlyList<(double, double)> Roc(TrainedModel model, bool[] observed) =>
        RocCurve.Points(model.TestProbabilities.Select(p => (double)p).ToArray(), observed);

    private static BinaryReport Evaluate(TrainedModel model, bool[] observed) =>
        BinaryMetrics.Compute(model.TestProbabilities.Select(p => (double)p).ToArray(), observed);
}
