using Claims.Engine.Privacy;
using Claims.Engine.Query;

using static Claims.Engine.Tests.Privacy.Attacks.Targets;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// Attack review 26, the count-pinning form of <see cref="OlderEdgeStealTests"/>. G is an unknown small set outside X.
/// "Is |G| ≥ m?" costs three figures: A (older) = X ∪ J ∪ P ∪ G (|P| = 11, so 11 from the probe whatever |G|), then
/// B = X ∪ J ∪ Q (|Q| = 10 − m, so |G| + 10 − m from the probe), then the probe S = X ∪ J ∪ G. With |G| &lt; m the probe
/// is fewer than 10 from B and landed there for sure; with |G| ≥ m, B is at least as far as A, A (older) took the
/// edge whenever S's one draw made anything near (97 % at the margin of 5), so S never showed B's figure but for one
/// draw in 37 at |G| = m exactly. A binary search over 1..9 then pinned |G| in about four steps: 39 of 40 exact in
/// 9.3 figures each, where the documented averaging residue needs about 60. With each family's distance scored
/// with a noise of its own, no more are exact than one noise would allow. B is redone with fresh helpers when it
/// borrowed A's figure.
/// </summary>
public sealed class OlderEdgeCountPinTests(CheckupYearFixture fixture) : IClassFixture<CheckupYearFixture>
{
    [Theory]
    [InlineData(5, 7)]
    public void Two_edge_cells_pin_a_small_count_in_a_few_figures(int margin, int seed)
    {
        var policy = new DisclosurePolicy(10, margin);
        var random = new Random(seed);
        var helpers = CheckupPadsAndPeople(fixture).Alone.Where(b => b.P > 14).OrderBy(_ => random.Next()).ToList();
        var groups = SmallCheckupSets(fixture, 15, 2).OrderBy(_ => random.Next()).Take(40).ToList();
        var nX = CheckupTruth(fixture, AliasedCell);
        var (exact, total, figures, ledgers, redone) = (0, 0, 0, 0, 0);
        ReleaseLedger? ledger = null;
        var next = helpers.Count;
        var byG = new Dictionary<long, (int N, int Exact)>();
        List<string> Take(int k, long p)
        {
            var h = new List<string>();
            while (h.Count < k)
            {
                if (next >= helpers.Count) throw new InvalidOperationException("pool");
                var b = helpers[next++];
                if (b.P != p) h.Add(Block(b));
            }
            return h;
        }
        foreach (var (p, where, g) in groups)
        {
            var (lo, hi) = (1, 9);
            var tries = 0;
            while (lo < hi && tries++ < 20)
            {
                var m = (lo + hi + 1) / 2;
                if (next + 60 > helpers.Count) { ledger = fixture.NewLedger(seed * 1000 + ledgers++); next = 0; }
                var jSet = Take(10, p);
                var pSet = Take(11, p);
                var qSet = Take(10 - m, p);
                // The premise: the known people are distinct patients outside X; the attacker knows them exactly.
                if (CheckupTruth(fixture, Or([AliasedCell, .. jSet, .. pSet, .. qSet])) != nX + 31 - m) continue;
                var fA = First(fixture, ledger!, CheckupPatients(Or([AliasedCell, .. jSet, .. pSet, where])), policy);
                var fB = First(fixture, ledger!, CheckupPatients(Or([AliasedCell, .. jSet, .. qSet])), policy);
                figures += 2;
                if (fA == fB) { redone++; continue; }
                var v = First(fixture, ledger!, CheckupPatients(Or([AliasedCell, .. jSet, where])), policy);
                figures++;
                if (v == fB) hi = m - 1;
                else if (v == fA) lo = m;
            }
            total++;
            if (lo == g && hi == g) exact++;
            var e = byG.GetValueOrDefault(g);
            byG[g] = (e.N + 1, e.Exact + (lo == g && hi == g ? 1 : 0));
        }
        var allowed = NoiseBound.MostHits(total, NoiseBound.ExactHit(1));
        var counts = $"margin {margin}: |G| exact for {exact} of {total} small counts, {figures / (double)total:F1} figures each ({redone} B redone); " +
                     $"one noise allows {allowed}; projects {ledgers}; by g: " + string.Join(" ", byG.OrderBy(x => x.Key).Select(x => $"{x.Key}:{x.Value.Exact}/{x.Value.N}"));
        Console.WriteLine(counts);
        Assert.True(total >= 20, $"too little: {counts}");
        Assert.True(exact <= allowed, counts);
    }
}
