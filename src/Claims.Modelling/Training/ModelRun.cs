using System.Diagnostics;
using System.Text.Json;
using Claims.Engine.Privacy;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;
using Claims.Modelling.Disclosure;
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
/// to the output folder. On restricted data every figure is released under the project's rules and the model files
/// are withheld (<see cref="ModelDisclosure"/>).
/// </summary>
public static class ModelRun
{
    public const string ReportFile = "report.json";
    public const string ModelFile = "model.zip";
    public const string SpecFile = "spec.json";
    public const string PageFile = "report.html";
    public const string OnnxFile = "model.onnx";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>
    /// Refuses, before anything runs, what <see cref="Train(Dataset, ModelSpec, string, DisclosureRequest?, CancellationToken)"/> would refuse at once: restricted data without a
    /// project, or a training regime whose leaves would describe fewer members than the threshold.
    /// </summary>
    public static void Check(Dataset dataset, ModelSpec spec, DisclosureRequest? disclosure) => ModelDisclosure.For(dataset, spec, disclosure);

    /// <summary><see cref="Check(Dataset, ModelSpec, DisclosureRequest?)"/> for a split dataset.</summary>
    public static void Check(ShardedDataset dataset, ModelSpec spec, DisclosureRequest? disclosure) => ModelDisclosure.For(dataset, spec, disclosure);

    /// <summary>
    /// Trains <paramref name="spec"/> on <paramref name="dataset"/> into <paramref name="output"/>. On restricted data
    /// <paramref name="disclosure"/> names the project the report is released to, and its rules apply
    /// (<see cref="ModelDisclosure"/>): the report is written, the model files are not.
    /// </summary>
    public static ModelReport Train(Dataset dataset, ModelSpec spec, string output, DisclosureRequest? disclosure = null, CancellationToken cancellationToken = default)
    {
        var rules = ModelDisclosure.For(dataset, spec, disclosure);
        var stopwatch = Stopwatch.StartNew();
        var population = Population.Build(dataset, spec, cancellationToken);
        return Train(dataset.Directory, spec, output, rules, population, () => FeatureExtractor.Extract(dataset, population, spec.Features, cancellationToken, disclosure: rules),
            stopwatch);
    }

    /// <summary>
    /// Trains <paramref name="spec"/> on a split dataset: each shard finds its patients' members and features
    /// (<see cref="ModelShards"/>), and the model is trained here on the united rows, under the same rules, to the
    /// single node's report and model.
    /// </summary>
    public static ModelReport Train(ShardedDataset dataset, ModelSpec spec, string output, DisclosureRequest? disclosure = null, CancellationToken cancellationToken = default)
    {
        var rules = ModelDisclosure.For(dataset, spec, disclosure);
        var stopwatch = Stopwatch.StartNew();
        var (population, features) = ModelShards.Gather(dataset, spec, cancellationToken);
        return Train(dataset.Directory, spec, output, rules, population, () => features.Assemble(population, names: null, rules, cancellationToken), stopwatch);
    }

    private static ModelReport Train(string directory, ModelSpec spec, string output, ModelDisclosure? rules, Population population, Func<FeatureMatrix> extract,
        Stopwatch stopwatch)
    {
        // On restricted data emptiness is decided on the released count (ModelDisclosure.Population), as a few are.
        if (rules is null && population.Count == 0) throw new ModelSpecException("target", "no member of the cohort is observed to the end of the outcome window: nothing to train on");
        var test = Enumerable.Range(0, population.Count).Where(m => Split.IsTest(spec.Split, population.Patients[m], population.Index[m])).ToArray();
        var train = Enumerable.Range(0, population.Count).Except(test).ToArray();
        var labels = population.Outcome;
        var observed = test.Select(m => labels[m]).ToArray();
        var months = spec.Outcome.Window.ToString();
        var counts = rules?.Population(population, train, test, months, spec.Outcome.Censor) ?? new PopulationReport(population.Cohort, population.NotObserved.Count, population.Count,
            population.Outcomes, train.Length, test.Length, observed.Count(o => o), months, spec.Outcome.Censor);
        foreach (var (set, name) in new[] { (train, "training"), (test, "test") })
        {
            if (spec.Regression && set.Length == 0)
                throw new ModelSpecException("split", $"the {name} set is empty: a model cannot be fitted or judged");
            if (!spec.Regression && (set.All(m => labels[m]) || set.All(m => !labels[m])))
                throw new ModelSpecException("outcome", $"the {name} set of {set.Length} members has only one class ({(set.Length > 0 && labels[set[0]] ? "every" : "no")} member has the outcome): a model cannot be fitted or judged");
        }
        var features = extract();
        // On restricted data a quantity is learnt as it is released, clipped to its cap.
        var values = rules is not null && spec.Regression ? rules.Learnable(population.Value) : population.Value;
        var trainer = new ModelTrainer(spec.Model, spec.Split.Seed, spec.Regression);
        var chosen = trainer.Fit(spec.Model.Kind, features, values, train, test);
        // The baseline is the linear model of the task: a logistic regression, or a least-squares line for a quantity.
        var baseline = !spec.Regression && spec.Model.Kind == TrainerKind.LogisticRegression ? chosen : trainer.Fit(TrainerKind.LogisticRegression, features, values, train, test);
        var measured = test.Select(m => (double)values[m]).ToArray();
        var permuted = PermutationImportance.Compute(trainer, chosen, features, measured, spec.Regression, test, spec.Split.Seed, top: 30);
        IReadOnlyList<FeatureImportance> importance = [.. permuted.Select(p => p.Importance)];
        var attack = MembershipInference.Attack(chosen.TrainPredictions, train.Select(m => values[m]).ToArray(), chosen.TestPredictions, test.Select(m => values[m]).ToArray(),
            spec.Regression);
        BinaryReport? metrics = null, baselineMetrics = null;
        RegressionReport? regression = null, regressionBaseline = null;
        if (spec.Regression) (regression, regressionBaseline) = (RegressionMetrics.Compute(Scores(chosen), measured), RegressionMetrics.Compute(Scores(baseline), measured));
        else (metrics, baselineMetrics) = (Evaluate(chosen, observed), Evaluate(baseline, observed));
        if (rules is not null && spec.Regression)
        {
            (regression, importance) = rules.Quantity("model", Scores(chosen), measured, test, population, counts, permuted);
            (regressionBaseline, _) = rules.Quantity("baseline", Scores(baseline), measured, test, population, counts, []);
        }
        else if (rules is not null)
        {
            metrics = rules.Evaluation("model", metrics!, Scores(chosen), observed, test, population, counts);
            baselineMetrics = rules.Evaluation("baseline", baselineMetrics!, Scores(baseline), observed, test, population, counts);
            importance = [.. importance.Select(i => i with { Drop = ModelDisclosure.Round(i.Drop) })];
        }
        if (rules is not null) attack = rules.Membership(attack);
        // The dataset's folder name, not its path: a report leaves the service, and the path says where its data live.
        var report = new ModelReport(spec.Name, Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)), spec.Model.Kind.ToString(), counts,
            new FeaturesReport(features.Width, features.Names, features.Dropped, importance, spec.Regression ? "R²" : "AUC-ROC"),
            metrics, baselineMetrics, regression, regressionBaseline, attack,
            rules?.Report() ?? new DisclosureReport(false, null, [], null), Math.Round(stopwatch.Elapsed.TotalSeconds, 2));
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, ReportFile), JsonSerializer.Serialize(report, s_json));
        File.WriteAllText(Path.Combine(output, SpecFile), spec.Json);
        // On restricted data a curve through every test member would step by one over their exact numbers.
        var (roc, baselineRoc) = spec.Regression ? ([], []) : rules is null ? (Roc(chosen, observed), Roc(baseline, observed))
            : (RocCurve.ThroughDeciles(metrics!.Calibration), RocCurve.ThroughDeciles(baselineMetrics!.Calibration));
        File.WriteAllText(Path.Combine(output, PageFile), ReportPage.Render(report, roc, baselineRoc));
        if (report.Disclosure.Withheld is not null) return report;
        ModelPackage.Write(trainer, chosen, spec, features.Names, Path.Combine(output, ModelFile));
        using (var onnx = File.Create(Path.Combine(output, OnnxFile))) trainer.SaveOnnx(chosen, features.Width, onnx);
        return report;
    }

    private static double[] Scores(TrainedModel model) => model.TestPredictions.Select(p => (double)p).ToArray();

    private static IReadOnlyList<(double, double)> Roc(TrainedModel model, bool[] observed) => RocCurve.Points(Scores(model), observed);

    private static BinaryReport Evaluate(TrainedModel model, bool[] observed) => BinaryMetrics.Compute(Scores(model), observed);
}
