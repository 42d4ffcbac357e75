using System.CommandLine;
using Claims.Engine.Cohorts;
using Claims.Engine.Extracts;
using Claims.Engine.Storage;
using Claims.Modelling.Scoring;
using Spectre.Console;

namespace Claims.Cli.Commands;

/// <summary>`claims predict`: score a cohort with a trained model and write the scores by the project's pseudonyms.</summary>
internal static class PredictCommand
{
    public static Command Create(IAnsiConsole console, TextReader input, TextWriter error)
    {
        var model = new Option<string>("--model") { Description = "model.zip written by claims train", Required = true };
        var data = CommonOptions.Data();
        var definition = new Option<string>("--def") { Description = "The cohort to score (data-schemas/cohort.schema.json), or - for standard input; each member is scored at their index date", Required = true };
        var output = CommonOptions.Out("The CSV file to write: patient (the project's pseudonym), index_month, score");
        var disclosure = new DisclosureOptions("The project whose pseudonyms name the patients, as its extracts do (default predictions; required on restricted data, where the scores leave as an extract of the project does)");
        var keyFile = new Option<string>("--key-file")
        {
            Description = "The project key (at least 32 random bytes); created with owner-only permissions when missing. Default: project.key beside --out",
        };
        var command = new Command("predict", "Score a cohort's members with a trained model, from the same features it was trained on")
        {
            model, data, definition, output, keyFile,
        };
        disclosure.AddTo(command);
        command.SetAction(parse =>
        {
            var json = CommonOptions.ReadText(parse.GetValue(definition)!, input, "--def");
            using var dataset = Dataset.Open(parse.GetValue(data)!);
            var request = disclosure.Request(parse, dataset, json);
            var project = request.Project is { Length: > 0 } named ? named : "predictions";
            var predictions = ModelScoring.Predict(dataset, parse.GetValue(model)!, CohortParser.Parse(json, dataset.Schema), request);
            var path = Path.GetFullPath(parse.GetValue(output)!);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var keyPath = parse.GetValue(keyFile) ?? Path.Combine(Path.GetDirectoryName(path)!, "project.key");
            var key = ProjectKey.ReadOrCreate(keyPath, out var created);
            if (created) error.WriteLine($"created a new project key in '{Path.GetFullPath(keyPath)}' (readable by its owner only); keep it to name the same patients the same way again");
            // Written beside and moved into place, so a failed run leaves no partial file under the name.
            var partial = path + ".partial";
            using (var writer = new StreamWriter(partial)) ModelScoring.WriteCsv(predictions, key, project, writer);
            File.Move(partial, path, overwrite: true);
            console.MarkupLineInterpolated($"scored {predictions.Count:N0} members; wrote {path}");
            return 0;
        });
        return command;
    }
}
