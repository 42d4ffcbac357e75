using System.IO.Compression;
using System.Text.Json;
using Claims.Engine;
using Claims.Engine.Schema;
using Claims.Modelling.Spec;
using Claims.Modelling.Training;
using Microsoft.ML;

namespace Claims.Modelling.Scoring;

/// <summary>
/// model.zip: ML.NET's model file with the spec and the names of the features it was trained on added under
/// claims/, so that new data can be turned into the same features, in the same order, from the file alone.
/// </summary>
internal static class ModelPackage
{
    private const string SpecEntry = "claims/spec.json";
    private const string FeaturesEntry = "claims/features.json";

    public static void Write(ModelTrainer trainer, TrainedModel model, ModelSpec spec, IReadOnlyList<string> names, string path)
    {
        trainer.Context.Model.Save(model.Model, model.Schema, path);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        foreach (var (entry, text) in new[] { (SpecEntry, spec.Json), (FeaturesEntry, JsonSerializer.Serialize(names)) })
        {
            using var writer = new StreamWriter(zip.CreateEntry(entry).Open());
            writer.Write(text);
        }
    }

    /// <summary>The spec and feature names of the model file at <paramref name="path"/>, checked against <paramref name="schema"/>.</summary>
    public static (ModelSpec Spec, string[] Names) Describe(string path, ClaimsSchema schema)
    {
        if (!File.Exists(path)) throw new ClaimsException($"model file '{path}' does not exist");
        string? spec, features;
        try
        {
            using var zip = ZipFile.OpenRead(path);
            (spec, features) = (Read(zip, SpecEntry), Read(zip, FeaturesEntry));
        }
        catch (InvalidDataException)
        {
            throw new ClaimsException($"'{path}' is not a model file: not a zip archive (claims train writes model.zip)");
        }
        if (spec is null || features is null)
            throw new ClaimsException($"'{path}' is not a model file of claims train: it lacks {(spec is null ? SpecEntry : FeaturesEntry)}");
        return (ModelSpecParser.Parse(spec, schema), JsonSerializer.Deserialize<string[]>(features) ?? []);
    }

    public static ITransformer Load(string path, MLContext ml) => ml.Model.Load(path, out _);

    private static string? Read(ZipArchive zip, string name)
    {
        if (zip.GetEntry(name) is not { } entry) return null;
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }
}
