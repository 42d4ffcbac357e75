using System.Globalization;
using Claims.Engine;
using Claims.Engine.Cohorts;
using Claims.Engine.Extracts;
using Claims.Engine.Privacy;
using Claims.Engine.Storage;
using Claims.Modelling.Features;
using Claims.Modelling.Training;

namespace Claims.Modelling.Scoring;

/// <summary>One member's score: their patient id, index month (YYYYMM) and the model's probability of the outcome.</summary>
public sealed record Prediction(int Patient, int IndexMonth, float Score);

/// <summary>
/// Scores a cohort with a trained model (model.zip of <see cref="ModelRun"/>): each member at their index month,
/// from the same features the model was trained on, built from the new data by the spec in the file.
/// </summary>
public static class ModelScoring
{
    public const string Header = "patient,index_month,score";

    /// <summary>
    /// Scores every member of <paramref name="target"/>. A score per patient is a row of the data, so on restricted
    /// data it leaves as an extract does, to <paramref name="disclosure"/>'s project under the extract's rules: a
    /// cohort of at least the threshold, not a few patients from the project's earlier releases, and recorded.
    /// </summary>
    public static IReadOnlyList<Prediction> Predict(Dataset dataset, string modelPath, CohortDefinition target, DisclosureRequest? disclosure = null,
        CancellationToken cancellationToken = default)
    {
        if (dataset.Manifest.Access == DatasetAccess.Restricted && (disclosure is null || string.IsNullOrWhiteSpace(disclosure.Project)))
            throw new ClaimsException($"the dataset at '{dataset.Directory}' is restricted: scores are per patient, and leave it only as an extract does, to a project under its rules; name the project");
        var (spec, names) = ModelPackage.Describe(modelPath, dataset.Schema);
        var trainer = new ModelTrainer(spec.Model, spec.Split.Seed, spec.Regression);
        var model = ModelPackage.Load(modelPath, trainer.Context);
        var cohort = dataset.BuildCohort(target, cancellationToken);
        if (disclosure is not null) CohortDisclosure.ApproveExtract(dataset, cohort, disclosure);
        var population = Population.Of(cohort);
        var features = FeatureExtractor.Extract(dataset, population, spec.Features, cancellationToken, names);
        var scores = trainer.Score(model, names.Length, Enumerable.Range(0, population.Count).Select(m => features.Row(m).ToArray()));
        return [.. population.Patients.Select((patient, m) => new Prediction(patient, cohort.IndexMonth(patient), scores[m]))];
    }

    /// <summary>
    /// The scores as CSV (<see cref="Header"/>), each patient by the project's pseudonym (as an extract for the same
    /// project and key names them), in the pseudonyms' order so that the order says nothing of the ids.
    /// </summary>
    public static void WriteCsv(IReadOnlyList<Prediction> predictions, byte[] key, string project, TextWriter writer)
    {
        using var pseudonyms = new Pseudonyms(key, project);
        writer.WriteLine(Header);
        foreach (var (pseudonym, prediction) in predictions.Select(p => (pseudonyms.Patient(p.Patient), p)).OrderBy(p => p.Item1, StringComparer.Ordinal))
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{pseudonym},{prediction.IndexMonth},{prediction.Score:0.######}"));
    }
}
