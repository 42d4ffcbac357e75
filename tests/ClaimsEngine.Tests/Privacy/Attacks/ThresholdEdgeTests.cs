using Claims.Engine.Privacy;
using Claims.Engine.Query;

using static Claims.Engine.Tests.Privacy.Attacks.Targets;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// The threshold's own edge: an analyst who knows some people exactly (each alone in a block of prefecture, sex and
/// age among checkups) asks one cell of them and a target, the target's block only where it holds a secret, each in
/// a fresh project (so no history is near it). With nine known people the cell is 9 or 10 patients: by default a
/// true 9 is never shown and a true 10 about half the time (40 to 63 % in the runs docs/disclosure-control.md reports),
/// so "shown" proves the secret. A policy margin of 5
/// shows a cell only where its perturbed count reaches 15: the nine and the target are then shown about once in a
/// hundred, and fourteen known people and the target (the steepest step) are shown often with the secret or without,
/// so no answer is a proof and the rates differ by about a fifth.
/// </summary>
public sealed class ThresholdEdgeTests(CheckupYearFixture fixture) : IClassFixture<CheckupYearFixture>
{
    private const string Secret = """{"col": "med_bp", "eq": true}""";

    private (int With, int Without, int ShownWith, int ShownWithout) Attack(int known, DisclosurePolicy policy, int seed)
    {
        var random = new Random(seed);
        var alone = Targets.CheckupPadsAndPeople(fixture).Alone.OrderBy(_ => random.Next()).ToList();
        var (with, without, shownWith, shownWithout) = (0, 0, 0, 0);
        // Three sets of known people, each asked with many targets: a fresh project per question, so reuse costs nothing.
        var sets = Enumerable.Range(0, 3).Select(i => alone.Skip(i * known).Take(known).Select(p => Block(p)).ToList()).ToList();
        var targets = alone.Skip(3 * known).Take(150).ToList();
        for (var t = 0; t < targets.Count; t++)
        {
            var where = $$"""{"or": [{{string.Join(", ", sets[t % 3].Append(Block(targets[t], Secret)))}}]}""";
            var json = $$"""{"from": "checkups", "where": {{where}}, "select": [{"countDistinct": "patient_id", "as": "n"}]}""";
            var result = DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(json, fixture.Dataset.Schema),
                new DisclosureRequest("mallory", fixture.NewLedger(seed * 10_000 + t), json, policy, long.MaxValue));
            var shown = Analyst.Value(result.Batch.Column(0), 0) is not null;
            var holds = Analyst.Value(fixture.Dataset.Execute($$"""{"from": "checkups", "where": {{Block(targets[t], Secret)}}, "select": [{"count": "*", "as": "n"}]}""").Column(0), 0) > 0;
            if (holds) { with++; if (shown) shownWith++; }
            else { without++; if (shown) shownWithout++; }
        }
        return (with, without, shownWith, shownWithout);
    }

    private static (int With, int Without, int ShownWith, int ShownWithout) Pooled(
        (int With, int Without, int ShownWith, int ShownWithout) a, (int With, int Without, int ShownWith, int ShownWithout) b) =>
        (a.With + b.With, a.Without + b.Without, a.ShownWith + b.ShownWith, a.ShownWithout + b.ShownWithout);

    [Fact]
    public void Nine_known_people_and_a_target_prove_the_secret_by_default_and_almost_never_with_a_margin()
    {
        // Two shuffles pooled (about 70 targets with the secret): the rate moves with the data's draws, 31 of 72 on the
        // generator of December 2026, and one shuffle's 38 targets gave 37 % where the next gave 50 %.
        var plain = Pooled(Attack(9, DisclosurePolicy.Default, 1), Attack(9, DisclosurePolicy.Default, 3));
        var margin = Pooled(Attack(9, new DisclosurePolicy(10, margin: 5), 1), Attack(9, new DisclosurePolicy(10, margin: 5), 3));
        var counts = $"default: with the secret {plain.ShownWith} of {plain.With} shown, without {plain.ShownWithout} of {plain.Without}; " +
            $"margin 5: with {margin.ShownWith} of {margin.With}, without {margin.ShownWithout} of {margin.Without}";
        Assert.True(plain.With >= 20 && plain.Without >= 20, $"too little to attack: {counts}");
        // The residue the design page states, measured: shown only with the secret.
        Assert.True(plain.ShownWithout == 0 && plain.ShownWith >= plain.With * 0.3, counts);
        // With the margin a true 10 is shown on a draw of +5 (0.9 %) and an 11 on +4 or more (3.6 %): 4 of 73 came when a
        // schema change re-drew every key, against 47 of 73 by default, so the bound is a tenth, far below either.
        Assert.True(margin.ShownWithout == 0 && margin.ShownWith <= margin.With * 0.1, counts);
    }

    [Fact]
    public void With_a_margin_fourteen_known_people_and_a_target_are_shown_with_the_secret_or_without()
    {
        var (with, without, shownWith, shownWithout) = Attack(14, new DisclosurePolicy(10, margin: 5), 2);
        var counts = $"with the secret {shownWith} of {with} shown, without {shownWithout} of {without}";
        Assert.True(with >= 20 && without >= 20, $"too little to attack: {counts}");
        Assert.True(shownWithout >= without * 0.2, counts);
        Assert.True(shownWith / (double)with - shownWithout / (double)without < 0.35, counts);
    }
}
