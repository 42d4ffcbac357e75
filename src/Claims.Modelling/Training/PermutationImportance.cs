using Claims.Modelling.Evaluation;
using Claims.Modelling.Features;
using Claims.Modelling.Reports;

namespace Claims.Modelling.Training;

/// <summary>
/// How much the model leans on each feature: the fall in test AUC when that feature's values are shuffled among the
/// test members, which breaks its link to the outcome and keeps its distribution. Model-agnostic, so the tree model
/// and the baseline are read alike; one shuffle per feature, seeded.
/// </summary>
internal static class PermutationImportance
{
    public static IReadOnlyList<FeatureImportance> Compute(ModelTrainer trainer, TrainedModel model, FeatureMatrix features, bool[] observed, int[] test, int seed, int top)
    {
        double Auc(float[] probabilities) => BinaryMetrics.Compute(probabilities.Select(p => (double)p).ToArray(), observed).AucRoc;
        var baseline = Auc(model.TestProbabilities);
        var rows = test.Select(m => features.Row(m).ToArray()).ToArray();
        var random = new Random(seed);
        var importances = new List<FeatureImportance>(features.Width);
        for (var c = 0; c < features.Width; c++)
        {
            var original = rows.Select(r => r[c]).ToArray();
            var shuffled = original.ToArray();
            random.Shuffle(shuffled);
            for (var r = 0; r < rows.Length; r++) rows[r][c] = shuffled[r];
            importances.Add(new FeatureImportance(features.Names[c], baseline - Auc(trainer.Score(model.Model, features.Width, rows))));
            for (var r = 0; r < rows.Length; r++) rows[r][c] = original[r];
        }
        return importances.OrderByDescending(i => i.AucDrop).ThenBy(i => i.Feature, StringComparer.Ordinal).Take(top).ToArray();
    }
}
