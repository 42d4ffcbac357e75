using Claims.Modelling.Evaluation;
using Claims.Modelling.Features;
using Claims.Modelling.Reports;

namespace Claims.Modelling.Training;

/// <summary>
/// How much the model leans on each feature: the fall in test AUC (for a quantity, R²) when that feature's values are
/// shuffled among the test members, which breaks its link to the outcome and keeps its distribution. Model-agnostic,
/// so the tree model and the baseline are read alike; one shuffle per feature, seeded.
/// </summary>
internal static class PermutationImportance
{
    public static IReadOnlyList<FeatureImportance> Compute(ModelTrainer trainer, TrainedModel model, FeatureMatrix features, double[] observed, bool regression,
        int[] test, int seed, int top)
    {
        var outcomes = observed.Select(o => o > 0).ToArray();
        double Measure(float[] predictions) => regression
            ? RegressionMetrics.Compute(predictions.Select(p => (double)p).ToArray(), observed).RSquared
            : BinaryMetrics.Compute(predictions.Select(p => (double)p).ToArray(), outcomes).AucRoc;
        var baseline = Measure(model.TestPredictions);
        var rows = test.Select(m => features.Row(m).ToArray()).ToArray();
        var random = new Random(seed);
        var importances = new List<FeatureImportance>(features.Width);
        for (var c = 0; c < features.Width; c++)
        {
            var original = rows.Select(r => r[c]).ToArray();
            var shuffled = original.ToArray();
            random.Shuffle(shuffled);
            for (var r = 0; r < rows.Length; r++) rows[r][c] = shuffled[r];
            importances.Add(new FeatureImportance(features.Names[c], baseline - Measure(trainer.Score(model.Model, features.Width, rows))));
            for (var r = 0; r < rows.Length; r++) rows[r][c] = original[r];
        }
        return importances.OrderByDescending(i => i.Drop).ThenBy(i => i.Feature, StringComparer.Ordinal).Take(top).ToArray();
    }
}
