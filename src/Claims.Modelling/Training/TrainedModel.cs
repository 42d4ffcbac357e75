using Microsoft.ML;

namespace Claims.Modelling.Training;

/// <summary>A fitted model, the schema it reads, and its predicted probabilities on the training and the test members.</summary>
internal sealed record TrainedModel(ITransformer Model, DataViewSchema Schema, float[] TrainProbabilities, float[] TestProbabilities);
