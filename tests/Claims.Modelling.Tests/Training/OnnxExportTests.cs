using Claims.Engine.Cohorts;
using Claims.Modelling.Features;
using Claims.Modelling.Scoring;
using Claims.Modelling.Spec;
using Claims.Modelling.Training;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Claims.Modelling.Tests.Training;

public sealed class OnnxExportTests(ModelFixture fixture) : IClassFixture<ModelFixture>
{
    [Theory]
    [InlineData("lightGbm")]
    [InlineData("fastTree")]
    [InlineData("logisticRegression")]
    public void Model_onnx_run_by_onnxruntime_gives_the_scores_of_model_zip(string kind)
    {
        var json = Examples.Modest.Replace("\"kind\": \"lightGbm\"", $"\"kind\": \"{kind}\"");
        var spec = ModelSpecParser.Parse(json, fixture.Dataset.Schema);
        var output = fixture.Temp($"onnx-{kind}");
        ModelRun.Train(fixture.Dataset, spec, output);
        var expected = ModelScoring.Predict(fixture.Dataset, Path.Combine(output, ModelRun.ModelFile), spec.Target);

        // What a Python user does: the features in the report's order, one row per member, into onnxruntime.
        var (_, names) = ModelPackage.Describe(Path.Combine(output, ModelRun.ModelFile), fixture.Dataset.Schema);
        var population = Population.Of(fixture.Dataset.BuildCohort(spec.Target));
        var features = FeatureExtractor.Extract(fixture.Dataset, population, spec.Features, CancellationToken.None, names);
        var members = Enumerable.Range(0, population.Count).Where(m => m % 7 == 0).ToArray();
        var input = new DenseTensor<float>(members.SelectMany(m => features.Row(m).ToArray()).ToArray(), new[] { members.Length, names.Length });
        using var session = new InferenceSession(Path.Combine(output, ModelRun.OnnxFile));
        Assert.Equal("Features", session.InputMetadata.Keys.Single());
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("Features", input)]);
        var probabilities = results.Single(r => r.Name == "Probability.output").AsEnumerable<float>().ToArray();
        Assert.Equal(members.Length, probabilities.Length);
        for (var i = 0; i < members.Length; i++)
            Assert.Equal(expected[members[i]].Score, probabilities[i], tolerance: 1e-5);
    }
}
