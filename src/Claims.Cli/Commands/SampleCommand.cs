using System.CommandLine;
using System.Globalization;
using Claims.Engine;
using Claims.Engine.Sampling;
using Claims.Engine.Storage;
using Spectre.Console;

namespace Claims.Cli.Commands;

/// <summary>`claims sample`: the NDB sampling product of a dataset, written as a dataset of its own.</summary>
internal static class SampleCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var data = CommonOptions.Data();
        var output = CommonOptions.Out("The folder to write the sample into (created; an existing dataset there is replaced)");
        var seed = new Option<ulong>("--seed") { Description = "Random seed: the same seed gives the same claims and byte-identical files", Required = true };
        var months = new Option<string>("--months") { Description = "Calendar months drawn, comma-separated", DefaultValueFactory = _ => "1,4,7,10" };
        var command = new Command("sample", "Draw the NDB sampling product: 4 months, 10% of inpatient and DPC, 1% of outpatient and pharmacy claims, stratified by sex and age band, high-cost claims dropped, rare codes masked") { data, output, seed, months };
        command.SetAction(parse =>
        {
            var options = new SampleOptions { Seed = parse.GetValue(seed), Months = ParseMonths(parse.GetValue(months)!) };
            using var dataset = Dataset.Open(parse.GetValue(data)!);
            var summary = SamplingProduct.Write(dataset, parse.GetValue(output)!, options);
            Render(console, summary, Path.GetFullPath(parse.GetValue(output)!));
            return 0;
        });
        return command;
    }

    private static int[] ParseMonths(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var month) && month is >= 1 and <= 12
                ? month
                : throw new ClaimsException($"--months takes calendar months 1–12 separated by commas, not '{text}'"))
            .Distinct().Order().ToArray() is { Length: > 0 } parsed
            ? parsed
            : throw new ClaimsException("--months names no month");
    }

    private static void Render(IAnsiConsole console, SampleSummary summary, string output)
    {
        var kinds = new Table().AddColumns("claim kind", "rate", "in the months", "high-cost dropped", "drawn");
        foreach (var k in summary.Kinds)
            kinds.AddRow(k.Kind, k.Rate.ToString("P0", CultureInfo.InvariantCulture), k.Source.ToString("N0"), k.HighCost.ToString("N0"), k.Drawn.ToString("N0"));
        console.Write(kinds);
        var masks = new Table().AddColumns("masked column", "group", "codes masked", "occurrences masked", "share", "bound");
        foreach (var m in summary.Masks)
            masks.AddRow(m.Column, m.Group, $"{m.MaskedCodes:N0} of {m.Codes:N0}", $"{m.MaskedOccurrences:N0} of {m.Occurrences:N0}",
                ((double)m.MaskedOccurrences / m.Occurrences).ToString("P3", CultureInfo.InvariantCulture), m.Bound.ToString("P2", CultureInfo.InvariantCulture));
        console.Write(masks);
        console.MarkupLineInterpolated(
            $"wrote {summary.Kinds.Sum(k => k.Drawn):N0} receipts and {summary.LineRows:N0} line rows to {output} in {summary.Elapsed.TotalSeconds:F1} s");
    }
}
