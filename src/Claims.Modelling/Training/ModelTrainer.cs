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
/// the test members with both; for a quantity (<paramref name="regression"/>), the trees' regression and a linear
/// regression as the baseline. ML.NET reads the feature matrix in place through one vector column.
/// </summary>
internal sealed class ModelTrainer(TrainerSpec spec, int seed, bool regression = false)
{
    private readonly MLContext _ml = new(seed);

    public MLContext Context => _ml;

    /// <summary>The model's output read as its prediction: a probability, or for a quantity the predicted value.</summary>
    private string Output => regression ? "Score" : "Probability";

    public TrainedModel Fit(TrainerKind kind, FeatureMatrix features, float[] targets, int[] train, int[] test)
    {
        var trainView = regression
            ? View(features.Width, train.Select(m => new Measured { Label = targets[m], Features = features.Row(m).ToArray() }))
            : View(features.Width, train.Select(m => new Example { Label = targets[m] > 0, Features = features.Row(m).ToArray() }));
        var estimator = regression ? Regressor(kind) : Classifier(kind);
        var model = estimator.Fit(trainView);
        return new TrainedModel(model, trainView.Schema, Score(model, features.Width, train.Select(m => features.Row(m).ToArray())),
            Score(model, features.Width, test.Select(m => features.Row(m).ToArray())));
    }

    private IEstimator<ITransformer> Regressor(TrainerKind kind) => kind switch
    {
        TrainerKind.LightGbm => _ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
        {
            NumberOfLeaves = spec.Leaves,
            MinimumExampleCountPerLeaf = spec.MinMembersPerLeaf,
            NumberOfIterations = spec.Iterations,
            LearningRate = spec.LearningRate,
            Booster = new GradientBooster.Options { L1Regularization = spec.L1, L2Regularization = spec.L2 },
            Seed = seed,
            Silent = true,
        }),
        TrainerKind.FastTree => _ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
        {
            NumberOfLeaves = spec.Leaves,
            MinimumExampleCountPerLeaf = spec.MinMembersPerLeaf,
            NumberOfTrees = spec.Iterations,
            LearningRate = spec.LearningRate,
            Seed = seed,
        }),
        // The baseline: a least-squares line on standardised features.
        _ => _ml.Transforms.NormalizeMeanVariance(nameof(Example.Features))
            .Append(_ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options { L1Regularization = (float)spec.L1, L2Regularization = (float)spec.L2 })),
    };

    private IEstimator<ITransformer> Classifier(TrainerKind kind)
    {
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
        return estimator;
    }

    /// <summary>The model's prediction for each row of features, in order: the probability of the outcome, or the quantity.</summary>
    public float[] Score(ITransformer model, int width, IEnumerable<float[]> rows) =>
        model.Transform(View(width, rows.Select(r => new Example { Features = r }))).GetColumn<float>(Output).ToArray();

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

    private IDataView View<T>(int width, IEnumerable<T> examples)
        where T : class
    {
        var schema = SchemaDefinition.Create(typeof(T));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
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

    private sealed class Measured
    {
        public float Label { get; set; }

        public float[] Features { get; set; } = [];
    }
}
