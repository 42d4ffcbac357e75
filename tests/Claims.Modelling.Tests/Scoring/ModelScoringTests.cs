using System.IO.Compression;
using Claims.Engine;
using Claims.Engine.Cohorts;
using Claims.Engine.Storage;
using Claims.Modelling.Evaluation;
using Claims.Modelling.Features;
using Claims.Modelling.Reports;
using Claims.Modelling.Scoring;
using Claims.Modelling.Spec;
using Claims.Modelling.Training;
using Claims.SyntheticGen;
using Claims.Testing;

namespace Claims.Modelling.Tests.Scoring;

public sealed class ModelScoringTests(ModelFixture fixture) : IClassFixture<ModelFixture>
{
    private static readonly string Modest = Examples.Modest;

    private (ModelReport Report, ModelSpec Spec, string Path) Trained(string name)
    {
        var spec = ModelSpecParser.Parse(Modest, fixture.Dataset.Schema);
        var output = fixture.Temp(name);
        return (ModelRun.Train(fixture.Dataset, spec, output), spec, Path.Combine(output, ModelRun.ModelFile));
    }

    [Fact]
    public void Scoring_the_training_cohort_from_the_model_file_alone_gives_the_report_s_test_metrics()
    {
        var (report, spec, model) = Trained("scored");
        var predictions = ModelScoring.Predict(fixture.Dataset, model, spec.Target);
        // Every member of the cohort is scored, observed to the end of the outcome window or not.
        Assert.Equal(report.Population.Cohort, predictions.Count);
        var scores = predictions.ToDictionary(p => p.Patient);
        // The test members' scores, from features built again out of the file's spec and names, are the scores the
        // report was computed from: the same AUC and Brier score to the last digit.
        var population = Population.Build(fixture.Dataset, spec, CancellationToken.None);
        var test = Enumerable.Range(0, population.Count).Where(m => Split.IsTest(spec.Split, population.Patients[m], population.Index[m])).ToArray();
        var metrics = BinaryMetrics.Compute([.. test.Select(m => (double)scores[population.Patients[m]].Score)], [.. test.Select(m => population.Outcome[m])]);
        Assert.Equal(report.Metrics!.AucRoc, metrics.AucRoc, 12);
        Assert.Equal(report.Metrics!.Brier, metrics.Brier, 12);
        Assert.All(test, m => Assert.Equal(MonthKey.FromAbsolute(population.Index[m]), scores[population.Patients[m]].IndexMonth));
    }

    [Fact]
    public void A_member_s_score_does_not_depend_on_who_else_is_scored()
    {
        var (_, spec, model) = Trained("subset");
        var everyone = ModelScoring.Predict(fixture.Dataset, model, spec.Target).ToDictionary(p => p.Patient);
        // Women only: the same entries and index dates, but prefectures, insurers and flags no woman has are absent
        // from the new data; the model still reads each feature where it was trained to.
        var women = CohortParser.Parse(Modest.Split("\"target\": ")[1].Split(",\n \"outcome\"")[0]
            .Replace("\"occurrence\": \"every\"", "\"occurrence\": \"every\", \"where\": {\"col\": \"sex\", \"eq\": 2}"), fixture.Dataset.Schema);
        var scored = ModelScoring.Predict(fixture.Dataset, model, women);
        Assert.InRange(scored.Count, everyone.Count / 4, everyone.Count * 3 / 4);
        Assert.All(scored, p => Assert.Equal(everyone[p.Patient], p));
    }

    [Fact]
    public void The_csv_names_patients_by_the_project_s_pseudonyms_in_their_order()
    {
        var predictions = new[] { new Prediction(7, 202301, 0.25f), new Prediction(3, 202302, 0.5f), new Prediction(11, 202212, 0.125f) };
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        using var pseudonyms = new Claims.Engine.Extracts.Pseudonyms(key, "study");
        var writer = new StringWriter();
        ModelScoring.WriteCsv(predictions, key, "study", writer);
        var expected = predictions.Select(p => (Name: pseudonyms.Patient(p.Patient), p)).OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => $"{p.Name},{p.p.IndexMonth},{p.p.Score.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        Assert.Equal(["patient,index_month,score", .. expected, ""], writer.ToString().Split(Environment.NewLine));
    }

    [Fact]
    public void A_file_that_is_not_a_model_of_claims_train_is_named_and_so_is_a_restricted_dataset()
    {
        var target = ModelSpecParser.Parse(Modest, fixture.Dataset.Schema).Target;
        var missing = fixture.Temp("none.zip");
        Assert.Equal($"model file '{missing}' does not exist", Assert.Throws<ClaimsException>(() => ModelScoring.Predict(fixture.Dataset, missing, target)).Message);
        var text = fixture.Temp("text.zip");
        File.WriteAllText(text, "not a zip");
        Assert.Contains("not a zip archive", Assert.Throws<ClaimsException>(() => ModelScoring.Predict(fixture.Dataset, text, target)).Message);
        var empty = fixture.Temp("empty.zip");
        ZipFile.Open(empty, ZipArchiveMode.Create).Dispose();
        Assert.Contains("it lacks claims/spec.json", Assert.Throws<ClaimsException>(() => ModelScoring.Predict(fixture.Dataset, empty, target)).Message);

        using var temp = new TempDirectory();
        Generator.Run(new GenerateOptions { Out = temp.Combine("ds"), Persons = 300, From = 202301, Months = 2, Seed = 3, Access = DatasetAccess.Restricted });
        using var restricted = Dataset.Open(temp.Combine("ds"));
        Assert.Contains("is restricted: scores are per patient, and leave it only as an extract does, to a project under its rules; name the project", Assert.Throws<ClaimsException>(() => ModelScoring.Predict(restricted, missing, target)).Message);
    }
}
