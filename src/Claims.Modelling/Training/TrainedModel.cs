using Microsoft.ML;

namespace Claims.Modelling.Training;

/// <summary>A fitted model, the schema it reads, and its predictions (probabilities, or quantities) on the training and the test members.</summary>
internal sealed record TrainedModel(ITransformer Model, DataViewSchema Schema, float[] TrainPredictions, float[] TestPredictions);
