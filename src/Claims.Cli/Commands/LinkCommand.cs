using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Claims.Engine;
using Claims.Engine.Linkage;
using Claims.Engine.Storage;
using Spectre.Console;

namespace Claims.Cli.Commands;

/// <summary>`claims link`: patient_id into every table, and optionally how well each method finds the true persons.</summary>
internal static class LinkCommand
{
    // "id1+id2" printed as written, not as "id1\u002Bid2": the output is for people and scripts, never HTML.
    private static readonly JsonSerializerOptions s_json = new(CliJson.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(IAnsiConsole console)
    {
        var data = CommonOptions.Data();
        var report = new Option<bool>("--report") { Description = "Also measure each method's pairwise precision and recall against the synthetic ground truth (DIR/truth/)" };
        var json = CommonOptions.Json();
        var command = new Command("link", "Link records into patients by id1, id2 and id5, and write patient_id into every table") { data, report, json };
        command.SetAction(parse =>
        {
            var directory = parse.GetValue(data)!;
            // Refuse before the (long) link, not after it.
            if (parse.GetValue(report) && !LinkageTruth.Exists(directory))
                throw new ClaimsException($"--report needs the ground truth at '{LinkageTruth.ReceiptsFile(directory)}', and there is none (only datasets made by claims generate have it)");
            var summary = PatientIdWriter.Write(directory);
            IReadOnlyList<LinkageAccuracy>? accuracy = null;
            if (parse.GetValue(report))
            {
                using var dataset = Dataset.Open(directory);
                accuracy = LinkageReport.Measure(dataset);
            }
            if (parse.GetValue(json))
                WriteJson(console, summary, accuracy);
            else
                Render(console, summary, accuracy);
            return 0;
        });
        return command;
    }

    private static void WriteJson(IAnsiConsole console, LinkSummary summary, IReadOnlyList<LinkageAccuracy>? accuracy)
    {
        // With --report the output is exactly the array of {method, precision, recall}: a contract for scripts.
        object shaped = accuracy is null
            ? new { method = summary.Method.Name(), patients = summary.Patients, receipts = summary.Receipts, checkups = summary.Checkups, lineRows = summary.LineRows, seconds = summary.Elapsed.TotalSeconds }
            : accuracy.Select(a => new { method = a.Method, precision = a.Precision, recall = a.Recall });
        console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(shaped, s_json));
    }

    private static void Render(IAnsiConsole console, LinkSummary summary, IReadOnlyList<LinkageAccuracy>? accuracy)
    {
        console.MarkupLineInterpolated(
            $"linked {summary.Receipts:N0} receipts and {summary.Checkups:N0} checkups into {summary.Patients:N0} patients ({summary.Method.Name()}), patient_id written into {summary.LineRows:N0} line rows, in {summary.Elapsed.TotalSeconds:F1} s");
        if (accuracy is null) return;
        var table = new Table().AddColumns("method", "patients", "precision", "recall");
        foreach (var a in accuracy) table.AddRow(a.Method, a.Patients.ToString("N0"), a.Precision.ToString("P3"), a.Recall.ToString("P3"));
        console.Write(table);
    }
}
