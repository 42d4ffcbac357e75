using Claims.Engine.Privacy;
using Claims.Engine.Query;

using static Claims.Engine.Tests.Privacy.Attacks.Targets;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// Attack review 21 (helper): the reach of an alias chain, put exactly by known people. With the helpers of review 20
/// (14 people each alone in their checkup block, known to the analyst), a kept pad and two aliases of it are built at
/// exact distances: the pad ∪ 5 helpers, then the pad ∪ 14 helpers (9 from the first alias, so it lands there and
/// shows the pad's figures). The pad ∪ 14 helpers ∪ a target with a secret value is then 15 from the pad, past its
/// reach, and 1 from the second alias: it "continues the chain" as a cell with figures of its own (CellHistory.Decide,
/// the review-17 rule), shown as the pad is, while without the secret it is the second alias and shows the pad's
/// figures. Its count of checkups then differed from the pad's exactly when the target had the secret (531 of 532, no
/// false positive). Many targets per pad: each later one is again 1 from the second alias, which is older than the
/// cells earlier targets made. Now a cell a few from any cell of a chain continues it, however far its root is, so
/// both show the pad's figures.
/// </summary>
public sealed class ChainReachTests(CheckupYearFixture fixture) : IClassFixture<CheckupYearFixture>
{
    private const int Helpers = 14;

    private static string Checkups(string where) => $$"""{"from": "checkups", "where": {{where}}, "select": [{"count": "*", "as": "n"}]}""";

    [Theory]
    [InlineData("""{"col": "med_bp", "eq": true}""", 1)]
    [InlineData("""{"col": "hba1c", "ge": 5.6}""", 2)]
    [InlineData("""{"col": "smoking", "eq": true}""", 3)]
    public void A_target_put_just_past_an_alias_chain_s_reach_continues_the_chain_with_or_without_the_secret(string secret, int seed)
    {
        var (pads, alone) = Targets.CheckupPadsAndPeople(fixture);
        var random = new Random(seed);
        alone = [.. alone.OrderBy(_ => random.Next())];
        var helpers = alone.Take(Helpers).Select(p => Block(p)).ToList();
        var targets = alone.Skip(Helpers).ToList();
        var ledger = fixture.NewLedger(seed);
        var (used, with, without, flaggedWith, flaggedWithout, t) = (0, 0, 0, 0, 0, 0);
        foreach (var pad in pads)
        {
            if (t >= targets.Count) break;
            if (Targets.First(fixture, ledger, Checkups(pad)) is not { } padCount) continue;
            Targets.First(fixture, ledger, Checkups(Or([pad, .. helpers.Take(5)])));
            if (Targets.First(fixture, ledger, Checkups(Or([pad, .. helpers]))) != padCount) continue;
            used++;
            for (var k = 0; k < 12 && t < targets.Count; k++)
            {
                var target = targets[t++];
                var flagged = Targets.First(fixture, ledger, Checkups(Or([pad, .. helpers, Block(target, secret)]))) != padCount;
                if (Truth(Block(target, secret)) > 0) { with++; if (flagged) flaggedWith++; }
                else { without++; if (flagged) flaggedWithout++; }
            }
        }
        var counts = $"{secret}: pads used {used}; with the secret {with}, flagged {flaggedWith}; without {without}, flagged {flaggedWithout} (false positives)";
        Assert.True(used >= 5 && with >= 5 && without >= 20, $"too little to attack: {counts}");
        Assert.True(flaggedWith == 0 && flaggedWithout == 0, counts);
    }

    /// <summary>
    /// The same without knowing anybody's block size: the analyst grows the pad's chain by blocks of any size
    /// (outside the pads, never a target's), keeping a block while the pad's count still shows and dropping it when
    /// the count changes (the grown cell fell past the reach and got figures of its own), until six blocks in a row
    /// change it. Where the chain then ended exactly at the reach, a target with the secret changed the count too.
    /// Now a block of fewer than the threshold always continues the chain, so the walk finds no edge: the analyst
    /// tries the targets beside the chain as grown.
    /// </summary>
    [Theory]
    [InlineData("""{"col": "med_bp", "eq": true}""", 1)]
    [InlineData("""{"col": "hba1c", "ge": 5.6}""", 2)]
    public void Walking_to_the_reach_with_blocks_of_unknown_size_finds_no_edge(string secret, int seed)
    {
        var (pads, alone) = Targets.CheckupPadsAndPeople(fixture);
        var random = new Random(seed);
        var targets = alone.OrderBy(_ => random.Next()).ToList();
        var batch = fixture.Dataset.Execute("""{"from": "checkups", "groupBy": ["prefecture", "sex", "age"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""");
        var ledger = fixture.NewLedger(seed);
        var (used, with, without, flaggedWith, flaggedWithout, t) = (0, 0, 0, 0, 0, 0);
        foreach (var pad in pads)
        {
            if (t >= targets.Count - 40) break;
            if (Targets.First(fixture, ledger, Checkups(pad)) is not { } padCount) continue;
            // Candidate blocks: people the analyst can name by (prefecture, sex, age), of unknown number, taken from
            // the end of the shuffled list so they are never this run's targets.
            var candidates = new Queue<string>(targets.Skip(targets.Count - 40).OrderBy(_ => random.Next()).Select(b => Block(b))
                .Concat(Enumerable.Range(0, batch.Length).OrderBy(_ => random.Next()).Take(60)
                    .Select(i => Block(((long)Analyst.Value(batch.Column(0), i)!, (long)Analyst.Value(batch.Column(1), i)!, (long)Analyst.Value(batch.Column(2), i)!)))));
            var chain = new List<string> { pad };
            var flips = 0;
            while (flips < 6 && candidates.Count > 0)
            {
                var block = candidates.Dequeue();
                if (Targets.First(fixture, ledger, Checkups(Or([.. chain, block]))) == padCount) { chain.Add(block); flips = 0; }
                else flips++;
            }
            used++;
            for (var k = 0; k < 12 && t < targets.Count - 40; k++)
            {
                var target = targets[t++];
                var flagged = Targets.First(fixture, ledger, Checkups(Or([.. chain, Block(target, secret)]))) != padCount;
                if (Truth(Block(target, secret)) > 0) { with++; if (flagged) flaggedWith++; }
                else { without++; if (flagged) flaggedWithout++; }
            }
        }
        var counts = $"{secret}: chains walked to a stable edge {used}; with the secret {with}, flagged {flaggedWith}; without {without}, flagged {flaggedWithout} (false positives)";
        Assert.True(used >= 5 && with >= 5 && without >= 20, $"too little to attack: {counts}");
        Assert.True(flaggedWith == 0 && flaggedWithout == 0, counts);
    }

    private long Truth(string where) =>
        (long)(Analyst.Value(fixture.Dataset.Execute($$"""{"from": "checkups", "where": {{where}}, "select": [{"countDistinct": "patient_id", "as": "n"}]}""").Column(0), 0) ?? 0);
}
