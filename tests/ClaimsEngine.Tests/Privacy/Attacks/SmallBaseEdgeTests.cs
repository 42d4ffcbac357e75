using Claims.Engine.Privacy;
using Claims.Engine.Query;

using static Claims.Engine.Tests.Privacy.Attacks.Targets;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// Attack review 23. A kept cell under the threshold was near only 1–9 apart, never by a draw, so its edge was sharp
/// at exactly 10. With 14 known helpers (people alone in their checkup block) the analyst asks 5 of them (a set of
/// 5, x, kept as a small root), then those 5 ∪ 9 fresh helpers ∪ the target's checkup where it holds the secret.
/// Without the secret the second set is 9 from the small root: near, it lands there and is x. With it, 10 apart, it
/// was near nothing and decided by its own count, 15, never perturbed below 10: shown every time (17 of 18, no false
/// positive). Now a small kept cell draws at the edge as any kept cell does, with the asking cell's own count draw,
/// so 10 apart is near as often as a true 10 is hidden. Measured beside the threshold's own edge for the same nine
/// helpers and target in a fresh project, over three secrets (each alone has too few targets in the fixture).
/// One project per secret; helper sets disjoint across targets (so no two targets' cells come within 14 of each other).
/// </summary>
public sealed class SmallBaseEdgeTests(CheckupYearFixture fixture) : IClassFixture<CheckupYearFixture>
{
    [Fact]
    public void A_target_put_exactly_ten_from_a_small_kept_cell_is_no_sharper_than_the_threshold_s_own_edge()
    {
        var (with, without, flaggedWith, flaggedWithout, edgeWith, edgeWithout) = (0, 0, 0, 0, 0, 0);
        string[] secrets = ["""{"col": "med_bp", "eq": true}""", """{"col": "hba1c", "ge": 5.6}""", """{"col": "smoking", "eq": true}"""];
        for (var seed = 1; seed <= secrets.Length; seed++)
        {
            var secret = secrets[seed - 1];
            var (_, alone) = Targets.CheckupPadsAndPeople(fixture);
            var random = new Random(seed);
            alone = [.. alone.OrderBy(_ => random.Next())];
            var ledger = fixture.NewLedger(seed);
            for (var k = 0; k + 15 <= alone.Count && k < 15 * 120; k += 15)
            {
                var target = alone[k];
                var five = alone.Skip(k + 1).Take(5).Select(p => Block(p)).ToList();
                var nine = alone.Skip(k + 6).Take(9).Select(p => Block(p)).ToList();
                // The small base: 5 known people, x, kept.
                Targets.First(fixture, ledger, CheckupPatients(Or(five)));
                var flagged = Targets.First(fixture, ledger, CheckupPatients(Or([.. five, .. nine, Block(target, secret)]))) is not null;
                // The threshold's own edge, for the same people: the nine and the target alone, with no history.
                var edge = Targets.First(fixture, fixture.NewLedger(seed * 1000 + k), CheckupPatients(Or([.. nine, Block(target, secret)]))) is not null;
                if (CheckupTruth(fixture, Block(target, secret)) > 0) { with++; if (flagged) flaggedWith++; if (edge) edgeWith++; }
                else { without++; if (flagged) flaggedWithout++; if (edge) edgeWithout++; }
            }
        }
        var counts = $"with the secret {with}, flagged {flaggedWith} (threshold's edge {edgeWith}); without {without}, flagged {flaggedWithout} (edge {edgeWithout}) (false positives)";
        Assert.True(with >= 12 && without >= 30, $"too little to find: {counts}");
        // The flag and the edge are independent draws of about one half each: two standard deviations apart at most.
        Assert.True(flaggedWith <= edgeWith + Math.Sqrt(2.0 * with) && flaggedWithout <= edgeWithout, counts);
    }

}
