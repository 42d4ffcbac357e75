using Claims.Engine.Privacy;
using Claims.Engine.Query;

using static Claims.Engine.Tests.Privacy.Attacks.Targets;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// Attack review 25, the count-pinning form of <see cref="ManyAliasEdgeTests"/>: with 300 aliases of a large cell K
/// kept, K ∪ J ∪ G (J fresh known people, G an unknown small set outside K) is far from every alias iff
/// |J| + |G| + 2 &gt; limit, near one of them otherwise (93 % at exactly the limit). So "is |G| ≥ m?" is one figure
/// (|J| = limit − 1 − m), and a binary search over 1..9 pins |G| with about four figures, against about 60 for the
/// documented averaging residue (measured: 36 of 40 exact with two probes a step at a margin of 5, 6 figures a
/// count). Now nearness at the edge is one draw of the asking cell for every kept cell it is compared with, so the
/// aliases add nothing to K's own edge. Fails where ĝ equals the truth more often than one noise allows.
/// </summary>
public sealed class ManyAliasCountPinTests(CheckupYearFixture fixture) : IClassFixture<CheckupYearFixture>
{

    [Theory]
    [InlineData(5, 5, 2)]
    public void Many_aliases_do_not_pin_a_small_count(int margin, int seed, int repeats)
    {
        var policy = new DisclosurePolicy(10, margin);
        var limit = policy.Shown + PerturbationTable.MaxNoise - 1;
        var random = new Random(seed);
        var alone = CheckupPadsAndPeople(fixture).Alone.OrderBy(_ => random.Next()).ToList();
        var inside = alone.Where(b => b.P <= 14).Take(25).ToList();
        var helpers = alone.Where(b => b.P > 14).ToList();
        var pairs = AliasesOf(inside);
        // Small unknown sets: prefecture × sex × condition with 2 to 9 patients.
        var groups = Targets.SmallCheckupSets(fixture, 15, 2);
        groups = [.. groups.OrderBy(_ => random.Next()).Take(40)];
        var (exact, within1, total, figures, ledgers) = (0, 0, 0, 0, 0);
        ReleaseLedger? ledger = null;
        double? fK = null;
        var next = helpers.Count;
        var byG = new Dictionary<long, (int N, int Exact)>();
        foreach (var (p, where, g) in groups)
        {
            var (lo, hi) = (1, 9);
            while (lo < hi)
            {
                var m = (lo + hi + 1) / 2;
                var j = limit - 1 - m;
                var far = false;
                for (var r = 0; r < repeats; r++)
                {
                    var h = new List<(long P, long S, long A)>();
                    while (h.Count < j)
                    {
                        if (next >= helpers.Count)
                        {
                            ledger = fixture.NewLedger(seed * 1000 + ledgers++);
                            fK = KeepAliases(fixture, ledger, pairs, policy);
                            next = 0;
                            h.Clear();
                        }
                        var b = helpers[next++];
                        if (b.P != p) h.Add(b);
                    }
                    var v = First(fixture, ledger!, CheckupPatients(Or([AliasedCell, .. h.Select(x => Block(x)), where])), policy);
                    figures++;
                    far |= v is not null && v != fK;
                }
                if (far) lo = m; else hi = m - 1;
            }
            total++;
            if (lo == g) exact++;
            if (Math.Abs(lo - g) <= 1) within1++;
            var e = byG.GetValueOrDefault(g);
            byG[g] = (e.N + 1, e.Exact + (lo == g ? 1 : 0));
        }
        var allowed = NoiseBound.MostHits(total, NoiseBound.ExactHit(1));
        var counts = $"margin {margin}, {repeats} probe(s) a step (far if any): ĝ exact for {exact} of {total} small counts, within 1 for {within1}, {figures / (double)total:F1} figures each " +
                     $"(+301 per project, {ledgers} projects for the fixture's few known people); one noise allows {allowed}; by g: " +
                     string.Join(" ", byG.OrderBy(x => x.Key).Select(x => $"{x.Key}:{x.Value.Exact}/{x.Value.N}"));
        Assert.True(total >= 20, $"too little: {counts}");
        Assert.True(exact <= allowed, counts);
    }
}
