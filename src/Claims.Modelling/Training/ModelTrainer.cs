using Claims.Modelling.Features;
using Claims.Modelling.Spec;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Claims.Modelling.Training;

/// <summary>
/// Fits the spec's trainer, and a logistic regression beside it as the baseline, on the training members, and scores
/// the test members with both. ML.NET reads the feature matrix in place through one vector column.
/// </summary>
internal sealed class ModelTrainer(TrainerSpec spec, int seed)
{
    private readonly MLContext _ml = new(seed);

    public MLContext Context => _ml;

    public TrainedModel Fit(TrainerKind kind, FeatureMatrix features, bool[] labels, int[] train, int[] test)
    {
        var trainView = View(features, labels, train);
        IEstimator<ITransformer> estimator = kind switch
        {
            TrainerKind.LightGbm => _ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
            {
                NumberOfLeaves = spec.Leaves,
                MinimumExampleCountPerLeaf = spec.MinMembersPerLeaf,
                NumberOfIterations = spec.Iterations,
                LearningRate = spec.LearningRate,
                Booster = new GradientBooster.Options { L1Regularization = spec.L1, L2Regularization = spec.L2 },
                Seed = seed,
                Silent = true,
            }),
            TrainerKind.FastTree => _ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
            {
                NumberOfLeaves = spec.Leaves,
                MinimumExampleCountPerLeaf = spec.MinMembersPerLeaf,
                NumberOfTrees = spec.Iterations,
                LearningRate = spec.LearningRate,
                Seed = seed,
            }),
            _ => _ml.Transforms.NormalizeMeanVariance(nameof(Example.Features))
                .Append(_ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
                {
                    L1Regularization = (float)spec.L1,
                    L2Regularization = (float)spec.L2,
                })),
        };
        var model = estimator.Fit(trainView);
        return new TrainedModel(model, trainView.Schema, Score(model, features.Width, train.Select(m => features.Row(m).ToArray())),
            Score(model, features.Width, test.Select(m => features.Row(m).ToArray())));
    }

    /// <summary>The model's probability of the outcome for each row of features, in order.</summary>
    public float[] Score(ITransformer model, int width, IEnumerable<float[]> rows) =>
        model.Transform(View(width, rows.Select(r => new Example { Features = r }))).GetColumn<float>("Probability").ToArray();

    /// <summary>
    /// The model as ONNX, for Python and R users (onnxruntime): input "Features", a float vector in the report's
    /// feature order; outputs "Probability.output", "Score.output" and "PredictedLabel.output", one row per member.
    /// </summary>
    public void SaveOnnx(TrainedModel model, int width, Stream stream)
    {
        // Converted over features alone: a view with the label would make it an input every user has to feed.
        var schema = SchemaDefinition.Create(typeof(Unlabelled));
        schema[nameof(Unlabelled.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        _ml.Model.ConvertToOnnx(model.Model, _ml.Data.LoadFromEnumerable(Array.Empty<Unlabelled>(), schema), stream);
    }

    private IDataView View(FeatureMatrix features, bool[] labels, int[] members) =>
        View(features.Width, members.Select(m => new Example { Label = labels[m], Features = features.Row(m).ToArray() }));

    private IDataView View(int width, IEnumerable<Example> examples)
    {
        var schema = SchemaDefinition.Create(typeof(Example));
        schema[nameof(Example.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return _ml.Data.LoadFromEnumerable(examples, schema);
    }

    private sealed class Unlabelled
    {
        public float[] Features { get; set; } = [];
    }

    private sealed class Example
    {
        public bool Label { get; set; }

        public float[] Features { get; set; } = [];
    }
}
