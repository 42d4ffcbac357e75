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
    /// <summary>
    /// The <paramref name="top"/> features by their fall, each with the test members' predictions under its shuffle
    /// (for figures that must be made from those predictions again, as restricted data's are).
    /// </summary>
    public static IReadOnlyList<(FeatureImportance Importance, float[] Predictions)> Compute(ModelTrainer trainer, TrainedModel model, FeatureMatrix features,
        double[] observed, bool regression, int[] test, int seed, int top)
    {
        var outcomes = observed.Select(o => o > 0).ToArray();
        double Measure(float[] predictions) => regression
            ? RegressionMetrics.Compute(predictions.Select(p => (double)p).ToArray(), observed).RSquared
            : BinaryMetrics.Compute(predictions.Select(p => (double)p).ToArray(), outcomes).AucRoc;
        var baseline = Measure(model.TestPredictions);
        var rows = test.Select(m => features.Row(m).ToArray()).ToArray();
        var random = new Random(seed);
        // The least kept first: the smallest fall, and of equal falls the last by name, so the kept are the first
        // by fall and then by name.
        var kept = new PriorityQueue<(FeatureImportance Importance, float[] Predictions), FeatureImportance>(Comparer<FeatureImportance>.Create((a, b) =>
            a.Drop != b.Drop ? a.Drop.CompareTo(b.Drop) : string.CompareOrdinal(b.Feature, a.Feature)));
        for (var c = 0; c < features.Width; c++)
        {
            var original = rows.Select(r => r[c]).ToArray();
            var shuffled = original.ToArray();
            random.Shuffle(shuffled);
            for (var r = 0; r < rows.Length; r++) rows[r][c] = shuffled[r];
            var predictions = trainer.Score(model.Model, features.Width, rows);
            var importance = new FeatureImportance(features.Names[c], baseline - Measure(predictions));
            kept.Enqueue((importance, predictions), importance);
            if (kept.Count > top) kept.Dequeue();
            for (var r = 0; r < rows.Length; r++) rows[r][c] = original[r];
        }
        return kept.UnorderedItems.Select(i => i.Element).OrderByDescending(i => i.Importance.Drop).ThenBy(i => i.Importance.Feature, StringComparer.Ordinal).ToArray();
    }
}
