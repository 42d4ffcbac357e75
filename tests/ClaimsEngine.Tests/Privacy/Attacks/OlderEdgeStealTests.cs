using Claims.Engine.Privacy;
using Claims.Engine.Query;

using static Claims.Engine.Tests.Privacy.Attacks.Targets;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// Attack review 26. CellHistory.Near returned at once on a kept cell fewer than the threshold apart, but among cells
/// at the perturbed edge it took the OLDEST one the asker's draw made near. An analyst keeps two roots around the
/// probe S = X ∪ J ∪ T (X a large cell, J known people, T the target's block where it holds the secret):
///   A (older) = X ∪ J ∪ P ∪ Block(t) (P 10 known people; t's block whatever the secret): 10 from S with the secret, 11 without;
///   B (newer) = X ∪ (J less 9 of them):                                                   10 from S with the secret,  9 without.
/// Without the secret S is 9 from B: near for sure, it shows B's figure. With it, A and B are both 10 away and drawn
/// alike by S's one draw, so S landed on A (the older) or nowhere, never on B: 118 of 118 right at the margin of 5.
/// A and B are 20 apart (roots of their own). Now each family's distance is scored with a noise of its own, so which
/// one S lands on moves with the target no more than the threshold's own edge does (ThresholdEdgeTests: 22 of 38
/// against 40 of 112 shown at that margin). At the margin of 0, "far" proves presence as the threshold's edge does
/// there (9 is always x, 10 not), which docs/disclosure-control.md gives as that margin's residue.
/// </summary>
public sealed class OlderEdgeStealTests(CheckupYearFixture fixture) : IClassFixture<CheckupYearFixture>
{
    private const string Secret = """{"col": "med_bp", "eq": true}""";

    [Theory]
    [InlineData(5)]
    public void Which_edge_cell_a_probe_lands_on_says_whether_the_target_holds_the_secret(int margin)
    {
        var policy = new DisclosurePolicy(10, margin);
        const int j = 19, p = 10;
        var moot = 0;
        var (with, without, bWith, bWithout, aWith, aWithout, farWith, farWithout, ledgers) = (0, 0, 0, 0, 0, 0, 0, 0, 0);
        // Two draws of targets and known people, pooled: one alone left the difference's standard error near 0.11.
        foreach (var seed in new[] { 1, 2 })
        {
            var random = new Random(seed);
            var alone = CheckupPadsAndPeople(fixture).Alone.OrderBy(_ => random.Next()).ToList();
            var outside = alone.Where(b => b.P > 14).ToList();
            var targets = outside.Take(120).ToList();
            var helpers = outside.Skip(120).ToList();
            ReleaseLedger? ledger = null;
            var next = helpers.Count;
            foreach (var t in targets)
            {
                if (next + j + p > helpers.Count) { ledger = fixture.NewLedger(seed * 1000 + ledgers++); next = 0; }
                var jSet = helpers.Skip(next).Take(j).Select(x => Block(x)).ToList();
                var pSet = helpers.Skip(next + j).Take(p).Select(x => Block(x)).ToList();
                next += j + p;
                // The premise: the known people are distinct patients outside X (a few of the fixture's lone blocks are
                // one patient's second checkup); the attacker knows them exactly, so sets where they are not are skipped.
                var nX = CheckupTruth(fixture, AliasedCell);
                if (CheckupTruth(fixture, Or([AliasedCell, .. jSet, .. pSet, Block(t)])) != nX + j + p + 1 || CheckupTruth(fixture, Or([AliasedCell, .. jSet.Skip(9)])) != nX + j - 9) { moot++; continue; }
                var fA = First(fixture, ledger!, CheckupPatients(Or([AliasedCell, .. jSet, .. pSet, Block(t)])), policy);
                var fB = First(fixture, ledger!, CheckupPatients(Or([AliasedCell, .. jSet.Skip(9)])), policy);
                var v = First(fixture, ledger!, CheckupPatients(Or([AliasedCell, .. jSet, Block(t, Secret)])), policy);
                // The secret as the attack sees it: whether the target's block with it adds a patient to X ∪ J (a few
                // targets' patients are already there through another checkup, so the secret moves nothing for them).
                var holds = CheckupTruth(fixture, Or([AliasedCell, .. jSet, Block(t, Secret)])) > CheckupTruth(fixture, Or([AliasedCell, .. jSet]));
                if (CheckupTruth(fixture, Block(t, Secret)) > 0 && !holds) { moot++; continue; }
                var onB = v == fB;
                var onA = v == fA;
                if (holds) { with++; if (onB) bWith++; if (onA) aWith++; if (!onA && !onB) farWith++; }
                else { without++; if (onB) bWithout++; if (onA) aWithout++; if (!onA && !onB) farWithout++; }
            }
        }
        var counts = $"margin {margin}: with the secret {with}: on B {bWith}, on A {aWith}, far {farWith}; without {without}: on B {bWithout}, on A {aWithout}, far {farWithout}; projects {ledgers}; 3 figures a target; {moot} targets left out (known people not distinct, or a secret that moves no patient)";
        Console.WriteLine(counts);
        Assert.True(with >= 10 && without >= 20, $"too little: {counts}");
        // "Not on B" should say about what the threshold's own edge says at this margin (shown rates 0.22 apart), far
        // from the certainty it was (1.0). Measured 0.28 and 0.36 apart under two sets of keys (the schema's hash seeds
        // them) with one draw of targets; on the data of 2026-12-06 one draw gave 0.56 (20 and 68 targets) and the two
        // pooled 0.39 (42 and 136): somewhat above the edge's own, as docs/disclosure-control.md says. The two draws
        // shuffle one pool, so they overlap and the pooled standard error (about 0.08) is a floor. The bound is the
        // edge's 0.22 with three of those: it catches a signal near the certainty that was, not the residue's exact size.
        Assert.True((with - bWith) / (double)with - (without - bWithout) / (double)without < 0.46, counts);
    }
}
