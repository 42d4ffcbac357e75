using System.Text.Json;
using Claims.Engine;
using Claims.Engine.Schema;
using Claims.Engine.Storage;
using Claims.Modelling.Spec;
using Claims.Modelling.Training;
using Claims.SyntheticGen;
using Claims.SyntheticGen.Model;
using Claims.Testing;

namespace Claims.Modelling.Tests.Training;

public sealed class ModelRunTests(ModelFixture fixture) : IClassFixture<ModelFixture>
{
    [Fact]
    public void The_example_trains_beats_chance_on_held_out_members_and_writes_its_report_spec_and_model()
    {
        var output = fixture.Temp("run");
        var report = ModelRun.Train(fixture.Dataset, ModelSpecParser.Parse(Examples.Admission, fixture.Dataset.Schema), output);
        var population = report.Population;
        // The report names its dataset by folder, not by the path the service keeps it at.
        Assert.Equal(Path.GetFileName(fixture.Dataset.Directory), report.Dataset);
        Assert.DoesNotContain(Path.DirectorySeparatorChar, report.Dataset);
        Assert.Equal(population.Members, population.Train + population.Test);
        Assert.Equal(population.Cohort, population.Members + population.NotObservedToWindowEnd);
        // A quarter held out by patient, within sampling error.
        Assert.InRange(population.Test!.Value, population.Members!.Value * 0.2, population.Members.Value * 0.3);
        // Ten thousand people give some 800 test members: enough to see signal, not to measure it (the benchmark does);
        // at six thousand the baseline's AUC moved about the bar from one redraw of the generator to the next.
        Assert.True(report.Metrics!.AucRoc > 0.55, $"AUC {report.Metrics!.AucRoc:F3}");
        Assert.True(report.Baseline!.AucRoc > 0.55, $"baseline AUC {report.Baseline!.AucRoc:F3}");
        Assert.Equal(population.Test, report.Metrics!.Count);
        Assert.Equal(population.TestOutcomes, report.Metrics!.Positives);
        Assert.Contains("age", report.Features.Names);
        // The importance: thirty features at most, most first, each a feature the model read; the generator admits by
        // age band, so shuffling age costs the model something.
        Assert.InRange(report.Features.Importance.Count, 1, 30);
        Assert.Equal(report.Features.Importance.OrderByDescending(i => i.Drop).Select(i => i.Drop), report.Features.Importance.Select(i => i.Drop));
        Assert.All(report.Features.Importance, i => Assert.Contains(i.Feature, report.Features.Names));
        Assert.Contains(report.Features.Importance, i => i.Feature == "age" && i.Drop > 0);
        using var written = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, ModelRun.ReportFile)));
        Assert.Equal(report.Metrics!.AucRoc, written.RootElement.GetProperty("metrics").GetProperty("aucRoc").GetDouble());
        Assert.Equal(Examples.Admission, File.ReadAllText(Path.Combine(output, ModelRun.SpecFile)));
        Assert.True(new FileInfo(Path.Combine(output, ModelRun.ModelFile)).Length > 1000);
        // The page for people: the figures of report.json, and both plots inline.
        var page = File.ReadAllText(Path.Combine(output, ModelRun.PageFile));
        Assert.Contains($"<td>AUC-ROC</td><td>{report.Metrics!.AucRoc.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)}</td>", page);
        Assert.Contains($"<td>members</td><td>{population.Members!.Value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)}</td>", page);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(page, "src=\"data:image/png;base64,iVBORw0KGgo").Count);
    }

    [Fact]
    public void The_example_passes_the_membership_attack_and_a_model_grown_to_remember_its_members_fails_it()
    {
        var example = ModelRun.Train(fixture.Dataset, ModelSpecParser.Parse(Examples.Modest, fixture.Dataset.Schema), fixture.Temp("fit"));
        Assert.True(example.MembershipInference.Passed, $"attack AUC {example.MembershipInference.AttackAuc:F3}");
        // A few hundred members, leaves of one member, many rounds: the model learns who it saw.
        var overfit = Examples.Admission
            .Replace("\"age\": [65, 150]", "\"age\": [85, 150]")
            .Replace("\"model\": {\"kind\": \"lightGbm\", \"leaves\": 31, \"minMembersPerLeaf\": 20, \"iterations\": 200, \"learningRate\": 0.05}",
                "\"model\": {\"kind\": \"lightGbm\", \"leaves\": 256, \"minMembersPerLeaf\": 1, \"iterations\": 600, \"learningRate\": 0.3, \"l2\": 0}");
        var remembered = ModelRun.Train(fixture.Dataset, ModelSpecParser.Parse(overfit, fixture.Dataset.Schema), fixture.Temp("overfit"));
        Assert.True(remembered.Population.Members < 1000, $"{remembered.Population.Members} members");
        Assert.False(remembered.MembershipInference.Passed, $"attack AUC {remembered.MembershipInference.AttackAuc:F3}");
        Assert.Contains("failed; a model from restricted data would be withheld", File.ReadAllText(Path.Combine(fixture.Temp("overfit"), ModelRun.PageFile)));
    }

    [Fact]
    public void Split_by_time_tests_on_the_members_indexed_from_its_month()
    {
        var spec = ModelSpecParser.Parse(Examples.Admission.Replace("\"split\": {\"testFraction\": 0.25, \"seed\": 1}", "\"split\": {\"by\": \"time\", \"testFrom\": 202208}"), fixture.Dataset.Schema);
        Assert.Equal(202208, spec.Split.TestFrom);
        var population = Claims.Modelling.Features.Population.Build(fixture.Dataset, spec, CancellationToken.None);
        var later = population.Index.Count(i => i >= Engine.Storage.MonthKey.ToAbsolute(202208));
        Assert.InRange(later, 50, population.Count - 50);
        var report = ModelRun.Train(fixture.Dataset, spec, fixture.Temp("by-time"));
        Assert.Equal(later, report.Population.Test);
        Assert.Equal(population.Count - later, report.Population.Train);
    }

    [Fact]
    public void Members_whose_data_end_inside_the_window_are_left_out_or_kept_censored_as_the_spec_says()
    {
        var spec = Examples.Modest.Replace("\"startDays\": 1, \"endDays\": 360}", "\"startDays\": 1, \"endDays\": 360, \"notObserved\": \"censor\"}");
        Assert.Contains("\"censor\"", spec);
        var excluded = Claims.Modelling.Features.Population.Build(fixture.Dataset, ModelSpecParser.Parse(Examples.Modest, fixture.Dataset.Schema), CancellationToken.None);
        var censored = Claims.Modelling.Features.Population.Build(fixture.Dataset, ModelSpecParser.Parse(spec, fixture.Dataset.Schema), CancellationToken.None);
        Assert.Equal(excluded.Cohort, censored.Count);
        Assert.Equal(excluded.NotObserved.Count, censored.Count - excluded.Count);
        Assert.InRange(excluded.NotObserved.Count, 50, excluded.Cohort / 2);
        // Every member observed to the end has the same outcome either way; those cut short have what their data show.
        Assert.All(Enumerable.Range(0, excluded.Count), m => Assert.Equal(excluded.Outcome[m], censored.Outcome[censored.MemberOf[excluded.Patients[m]]]));
        Assert.Contains(Enumerable.Range(0, censored.Count), m => censored.Outcome[m] && excluded.MemberOf[censored.Patients[m]] < 0);
        var report = ModelRun.Train(fixture.Dataset, ModelSpecParser.Parse(spec, fixture.Dataset.Schema), fixture.Temp("censored"));
        Assert.True(report.Population.Censored);
        Assert.Equal(report.Population.Cohort, report.Population.Members);
        Assert.Equal(excluded.NotObserved.Count, report.Population.NotObservedToWindowEnd);
        Assert.Contains("kept, censored", File.ReadAllText(Path.Combine(fixture.Temp("censored"), ModelRun.PageFile)));
    }

    [Theory]
    [InlineData("points", "lightGbm")]
    [InlineData("admissions", "fastTree")]
    public void A_quantity_is_predicted_by_regression_beside_a_linear_baseline_from_the_quantities_sql_gives(string quantity, string kind)
    {
        var json = Examples.Modest
            .Replace("\"table\": \"receipts\", \"where\": {\"col\": \"admission_date\", \"isNull\": false}, \"startDays\": 1", $"\"quantity\": \"{quantity}\", \"startDays\": 1")
            .Replace("\"kind\": \"lightGbm\"", $"\"kind\": \"{kind}\"");
        var spec = ModelSpecParser.Parse(json, fixture.Dataset.Schema);
        Assert.True(spec.Regression);
        // The quantity of every member against SQL over the export: points summed, admissions by distinct date.
        var population = Claims.Modelling.Features.Population.Build(fixture.Dataset, spec, CancellationToken.None);
        var window = spec.Outcome.Window;
        var sql = quantity == "points" ? "CAST(coalesce(sum(total_points), 0) AS BIGINT)" : "count(DISTINCT admission_date)";
        var random = new Random(11);
        foreach (var m in Enumerable.Range(0, 60).Select(_ => random.Next(population.Count)))
        {
            var (patient, index) = (population.Patients[m], population.Index[m]);
            var expected = fixture.Oracle.Scalar($"SELECT {sql} FROM receipts WHERE patient_id = {patient} AND (service_month // 100 * 12 + service_month % 100 - 1 - {index}) BETWEEN {window.From} AND {window.To}");
            Assert.True(expected == population.Value[m], $"patient {patient}: {population.Value[m]}, SQL {expected}");
        }
        Assert.InRange(population.Value.Count(v => v > 0), 50, population.Count);

        var output = fixture.Temp($"regression-{quantity}");
        var report = ModelRun.Train(fixture.Dataset, spec, output);
        Assert.Null(report.Metrics);
        var (model, line) = (report.Regression!, report.RegressionBaseline!);
        Assert.Equal(report.Population.Test, model.Count);
        // The generator's chronic conditions keep people's use steady: past use predicts future use.
        Assert.True(model.RSquared > 0.05, $"R² {model.RSquared:F3}");
        // A line over some two hundred flags fitted to 1,300 members can do a little worse than the mean on rare admissions.
        // Which of the two scores higher is a draw of this small dataset, not a property of the code: past use carries
        // most of what either learns, and a few hundred test members' heavy-tailed points decide R² (both 0.179 on one
        // draw, trees 0.085 against the line's 0.116 on another). Issue 13 asks trees to match their baseline on its
        // example specs at 200,000 persons, which docs/modelling.md measures; a quantity's ranking is not measured there.
        Assert.True(line.RSquared > -0.1, $"baseline R² {line.RSquared:F3}");
        Assert.Equal("R²", report.Features.ImportanceMetric);
        Assert.True(File.Exists(Path.Combine(output, ModelRun.ModelFile)));
        var page = File.ReadAllText(Path.Combine(output, ModelRun.PageFile));
        Assert.Contains($"<td>R²</td><td>{model.RSquared.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)}</td>", page);
        Assert.Contains("linear baseline", page);
        // The file scores new data with quantities, as trained: a regression's predictions average about its members'
        // mean quantity (points in the thousands, admissions a fraction of one).
        var scores = Claims.Modelling.Scoring.ModelScoring.Predict(fixture.Dataset, Path.Combine(output, ModelRun.ModelFile), spec.Target);
        var mean = population.Value.Average();
        Assert.InRange(scores.Average(s => s.Score), mean / 2, mean * 2);
    }

    [Fact]
    public void The_same_spec_twice_gives_the_same_report()
    {
        var spec = ModelSpecParser.Parse(Examples.Admission.Replace("\"iterations\": 200", "\"iterations\": 30"), fixture.Dataset.Schema);
        var first = ModelRun.Train(fixture.Dataset, spec, fixture.Temp("again-1"));
        var second = ModelRun.Train(fixture.Dataset, spec, fixture.Temp("again-2"));
        Assert.Equal(first.Metrics!.AucRoc, second.Metrics!.AucRoc);
        Assert.Equal(first.Baseline!.Brier, second.Baseline!.Brier);
        Assert.Equal(first.Features.Names, second.Features.Names);
    }

    [Fact]
    public void A_restricted_dataset_without_a_project_is_refused_before_anything_runs()
    {
        using var temp = new TempDirectory("claims-model-restricted");
        Generator.Run(new GenerateOptions { Out = temp.Combine("ds"), Persons = 200, From = 202301, Months = 2, Seed = 2, Access = DatasetAccess.Restricted },
            GeneratorModel.Load(ClaimsSchema.Default));
        using var dataset = Dataset.Open(temp.Combine("ds"));
        var error = Assert.Throws<ClaimsException>(() => ModelRun.Train(dataset, ModelSpecParser.Parse(Examples.Admission), temp.Combine("out")));
        Assert.Contains("is restricted: a model of it is released to a project under its disclosure rules; name the project", error.Message);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Fact]
    public void An_outcome_nobody_has_is_refused_by_name()
    {
        var spec = ModelSpecParser.Parse(Examples.Admission.Replace("{\"col\": \"admission_date\", \"isNull\": false}", "{\"col\": \"total_points\", \"lt\": 0}"), fixture.Dataset.Schema);
        var error = Assert.Throws<ModelSpecException>(() => ModelRun.Train(fixture.Dataset, spec, fixture.Temp("none")));
        Assert.Equal("outcome", error.Path);
        Assert.Contains("only one class", error.Message);
    }
}
