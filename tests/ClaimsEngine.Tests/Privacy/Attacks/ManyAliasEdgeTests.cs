using Claims.Engine.Privacy;
using Claims.Engine.Query;

using static Claims.Engine.Tests.Privacy.Attacks.Targets;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// Attack review 25: the edge of nearness is drawn once per kept cell, and a cell at the edge of many kept cells is
/// near as soon as ANY of their draws says so (CellHistory.Near: drawn ??= … tries every candidate in turn). An
/// analyst keeps many cheap aliases of one large cell K (K without two of n known people of K: n(n−1)/2 cells, one
/// figure each, all aliases of K), then asks K ∪ J ∪ T: J fresh known people (outside K), T the target's block only
/// where it holds the secret. The probe is |J| + s + 2 from every alias. With |J| = limit − 2 (limit = threshold +
/// margin + 4, the furthest a kept cell is ever near), the probe without the secret sits at the very edge of every
/// alias (near by each draw with the tail's 0.9 %, so near by one of ~300 draws 93 % of the time), and with the secret
/// one past the edge of every alias (never near them). Near, the probe shows K's figure; far, its own, 15+ higher.
/// Each probe uses fresh disjoint helpers (probes sharing helpers were near each other more often than expected).
/// The fixture's pool of known people is small, so the test opens a fresh project (and pays the 301-figure setup
/// again) when it runs out; on a real dataset one project serves every target. Measured (review 25): margin 0,
/// flagged 33 of 37 with the secret, 7 of 113 without (K alone: 36/37 and 102/113); margin 5, 23 of 31 and 6 of 119
/// (K alone: 29/31, 102/119). Now nearness at the edge is one draw of the asking cell (its count's draw) for every
/// kept cell it is compared with, so being near any alias is being near the closest, and the aliases add nothing to
/// K's own edge. Fails where "far" tells the secret apart more than the threshold's own edge does
/// (flag rates differ by 0.35 or more; ThresholdEdgeTests' residue at margin 5 is "about a fifth").
/// </summary>
public sealed class ManyAliasEdgeTests(CheckupYearFixture fixture) : IClassFixture<CheckupYearFixture>
{
    private const string Secret = """{"col": "med_bp", "eq": true}""";

    [Theory]
    // The service's default (margin 5): limit 19, |J| = 17.
    [InlineData(5, 25, 1)]
    public void Many_aliases_of_one_cell_do_not_sharpen_the_edge_of_nearness(int margin, int n, int seed)
    {
        var policy = new DisclosurePolicy(10, margin);
        var limit = policy.Shown + PerturbationTable.MaxNoise - 1;
        var j = limit - 2;
        var step = j;
        var random = new Random(seed);
        var alone = CheckupPadsAndPeople(fixture).Alone.OrderBy(_ => random.Next()).ToList();
        var inside = alone.Where(b => b.P <= 14).Take(n).ToList();
        var outside = alone.Where(b => b.P > 14).ToList();
        var targets = outside.Take(150).ToList();
        var helpers = outside.Skip(150).ToList();
        var pairs = AliasesOf(inside);

        var (with, without, flagWith, flagWithout, baseWith, baseWithout, ledgers) = (0, 0, 0, 0, 0, 0, 0);
        ReleaseLedger? ledger = null;
        double? fK = null;
        var next = helpers.Count;
        foreach (var t in targets)
        {
            if (next + j > helpers.Count)
            {
                // A fresh project: K, then its aliases (one figure each).
                ledger = fixture.NewLedger(seed * 1000 + ledgers++);
                fK = KeepAliases(fixture, ledger, pairs, policy);
                next = 0;
            }
            var h = helpers.Skip(next).Take(j).ToList();
            next += step;
            var probe = Or([AliasedCell, .. h.Select(p => Block(p)), Block(t, Secret)]);
            var holds = CheckupTruth(fixture, Block(t, Secret)) > 0;
            var v = First(fixture, ledger!, CheckupPatients(probe), policy);
            var far = v is not null && v != fK;
            // Without the aliases: a fresh project that asked K alone.
            var baseLedger = fixture.NewLedger(seed * 100_000 + with + without);
            var baseK = First(fixture, baseLedger, CheckupPatients(AliasedCell), policy);
            var bv = First(fixture, baseLedger, CheckupPatients(probe), policy);
            var baseFar = bv is not null && bv != baseK;
            if (holds) { with++; if (far) flagWith++; if (baseFar) baseWith++; }
            else { without++; if (far) flagWithout++; if (baseFar) baseWithout++; }
        }
        var counts = $"margin {margin}, {pairs.Count} aliases of K ({CheckupTruth(fixture, AliasedCell)} patients), |J| = {j}: flagged (far) with the secret {flagWith} of {with}, " +
                     $"without {flagWithout} of {without}; with K alone: {baseWith} of {with}, {baseWithout} of {without}; projects {ledgers}; " +
                     $"figures spent per project on setup {1 + pairs.Count}";
        Assert.True(with >= 10 && without >= 20, $"too little to attack: {counts}");
        Assert.True(flagWith / (double)with - flagWithout / (double)without < 0.35, counts);
    }
}
