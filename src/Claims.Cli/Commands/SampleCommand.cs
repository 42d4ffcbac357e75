using System.CommandLine;
using System.Globalization;
using Claims.Engine;
using Claims.Engine.Privacy;
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
            Render(console, summary, Path.GetFullPath(parse.GetValue(output)!), dataset.Manifest.Access == DatasetAccess.Restricted);
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

    /// <summary>
    /// Prints what was drawn and masked. The summary is a release like any other: on restricted data every count
    /// under the disclosure threshold is shown as the suppression marker, and so is every figure that would give one
    /// back (a masked share, a total over a suppressed count).
    /// </summary>
    private static void Render(IAnsiConsole console, SampleSummary summary, string output, bool restricted)
    {
        var policy = DisclosurePolicy.Default;
        bool Small(long count) => restricted && policy.IsSmall(count);
        string Count(long count) => Small(count) ? DisclosurePolicy.Marker : count.ToString("N0", CultureInfo.InvariantCulture);

        var kinds = new Table().AddColumns("claim kind", "rate", "in the months", "high-cost dropped", "drawn");
        foreach (var k in summary.Kinds)
            kinds.AddRow(k.Kind, k.Rate.ToString("P0", CultureInfo.InvariantCulture), Count(k.Source), Count(k.HighCost), Count(k.Drawn));
        console.Write(kinds);
        var masks = new Table().AddColumns("masked column", "group", "codes masked", "occurrences masked", "share", "bound");
        foreach (var m in summary.Masks)
        {
            var share = Small(m.MaskedOccurrences) || Small(m.Occurrences)
                ? DisclosurePolicy.Marker
                : ((double)m.MaskedOccurrences / m.Occurrences).ToString("P3", CultureInfo.InvariantCulture);
            masks.AddRow(m.Column, m.Group, $"{Count(m.MaskedCodes)} of {Count(m.Codes)}", $"{Count(m.MaskedOccurrences)} of {Count(m.Occurrences)}",
                share, m.Bound.ToString("P2", CultureInfo.InvariantCulture));
        }
        console.Write(masks);
        var receipts = summary.Kinds.Any(k => Small(k.Drawn)) ? DisclosurePolicy.Marker : Count(summary.Kinds.Sum(k => k.Drawn));
        console.MarkupLineInterpolated(
            $"wrote {receipts} receipts and {Count(summary.LineRows)} line rows to {output} in {summary.Elapsed.TotalSeconds:F1} s");
        if (restricted)
            console.MarkupLineInterpolated(
                $"the input is restricted: counts of 1 to {policy.Threshold - 1} are shown as {DisclosurePolicy.Marker}, and so are the shares and totals that would give them back");
    }
}
