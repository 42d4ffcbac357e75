using Claims.Modelling.Features;
using Claims.Modelling.Spec;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
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
            _ => _ml.Transforms.NormalizeMeanVariance(nameof(Example.Features))
                .Append(_ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
                {
                    L1Regularization = (float)spec.L1,
                    L2Regularization = (float)spec.L2,
                })),
        };
        var model = estimator.Fit(trainView);
        var scored = model.Transform(View(features, labels, test));
        return new TrainedModel(model, trainView.Schema, scored.GetColumn<float>("Probability").ToArray());
    }

    private IDataView View(FeatureMatrix features, bool[] labels, int[] members)
    {
        var schema = SchemaDefinition.Create(typeof(Example));
        schema[nameof(Example.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features.Width);
        return _ml.Data.LoadFromEnumerable(members.Select(m => new Example { Label = labels[m], Features = features.Row(m).ToArray() }), schema);
    }

    private sealed class Example
    {
        public bool Label { get; set; }

        public float[] Features { get; set; } = [];
    }
}
