using Claims.Engine.Privacy;
using Claims.Engine.Query;

using static Claims.Engine.Tests.Privacy.Attacks.Targets;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// Attack review 24: a small kept cell's edge truncates the ASKING cell's own noise at a point the analyst knows,
/// which pins an unknown small count exactly in a handful of figures.
///
/// The analyst asks G, a set of g unknown patients (1 to 9: checkup patients of one prefecture and sex with a
/// condition): x, kept as a small root. Then, k times, G ∪ Hᵢ where Hᵢ is ten fresh known people (each alone in a
/// checkup block of another prefecture; the Hᵢ disjoint). Each G ∪ Hᵢ is exactly 10 from G, so it is near G (and x)
/// iff its own count draw eᵢ would hide 10 records: eᵢ &lt; 0. Shown, its figure was vᵢ = g + 10 + eᵢ with eᵢ ≥ 0
/// (the same draw: the patient count was drawn by the cell's CountKey). So vᵢ − 10 ≥ g was a hard bound, met with
/// equality one time in three (P(e = 0 | e ≥ 0) ≈ 0.33): ĝ = minᵢ(vᵢ) − 10 was exactly g for 49 of 60 sets with 9
/// figures (52 of 60 with a margin of 5). Without G asked first (a fresh project), the same cells are shown iff
/// eᵢ ≥ −g and the minimum is ~10, useless. Now the figure is drawn apart from the draw that decides the cell
/// (<see cref="CellPerturbation.ShownCount"/>), so it is one noise like any other. Fails where ĝ equals the truth
/// more often than one noise allows.
/// </summary>
public sealed class SmallCountPinTests(CheckupYearFixture fixture) : IClassFixture<CheckupYearFixture>
{
    [Theory]
    // The command line's default (margin 0): unions 10 from G, shown iff e ≥ 0.
    [InlineData(8, 1, 0, 10)]
    // The service's default (margin 5): unions 14 from G, near iff 14 + e < 15, shown iff e ≥ 1, so v − 15 ≥ g.
    [InlineData(8, 3, 5, 14)]
    public void A_small_kept_cell_does_not_pin_an_unknown_small_count(int trials, int seed, int margin, int apart)
    {
        var policy = new DisclosurePolicy(margin: margin);
        // Shown, a union's draw is at least this: near G iff apart + e < threshold + margin.
        var least = policy.Shown - apart;
        var (_, alone) = Targets.CheckupPadsAndPeople(fixture);
        var random = new Random(seed);
        alone = [.. alone.OrderBy(_ => random.Next())];
        // Small unknown sets: prefecture × sex × condition with 1 to 9 patients.
        var groups = Targets.SmallCheckupSets(fixture, 1, 1);
        groups = [.. groups.OrderBy(_ => random.Next()).Take(60)];
        var (exact, baseExact, total, shownTotal, bound) = (0, 0, 0, 0, 0);
        var histogram = new Dictionary<long, (int N, int Exact)>();
        var next = 0;
        var ledger = fixture.NewLedger(seed);
        var ledgers = 1;
        foreach (var (p, where, g) in groups)
        {
            var helpers = new List<List<(long P, long S, long A)>>();
            var guard = 0;
            while (helpers.Count < trials && guard++ < 10 * trials)
            {
                if (next + apart > alone.Count) { next = 0; ledger = fixture.NewLedger(seed * 100 + ledgers++); }
                var h = alone.Skip(next).Take(apart).ToList();
                next += apart;
                if (h.Any(b => b.P == p)) continue;
                helpers.Add(h);
            }
            // The attack: G first (x, a small kept root), then G ∪ Hᵢ.
            First(fixture, ledger, CheckupPatients(where), policy);
            var baseLedger = fixture.NewLedger(seed * 100000 + total);
            var (shown, baseShown) = (new List<double>(), new List<double>());
            foreach (var h in helpers)
            {
                var union = CheckupPatients(Or([where, .. h.Select(b => Block(b))]));
                if (First(fixture, ledger, union, policy) is { } v) shown.Add(v);
                if (First(fixture, baseLedger, union, policy) is { } b) baseShown.Add(b);
            }
            total++;
            shownTotal += shown.Count;
            if (shown.Count > 0 && shown.Min() - apart - least >= g) bound++;
            var hit = shown.Count > 0 && shown.Min() - apart - least == g;
            if (hit) exact++;
            if (baseShown.Count > 0 && baseShown.Min() - apart - least == g) baseExact++;
            var e = histogram.GetValueOrDefault(g);
            histogram[g] = (e.N + 1, e.Exact + (hit ? 1 : 0));
        }
        var allowed = NoiseBound.MostHits(total, NoiseBound.ExactHit(1));
        var counts = $"margin {margin}, unions {apart} from G (shown iff e ≥ {least}); {trials} unions a group ({1 + trials} figures); groups {total}, shown unions {shownTotal}; ĝ = min(v) − apart − least exact {exact} of {total} " +
                     $"(bound vᵢ − apart − least ≥ g held in {bound} of those with a figure); without the small kept cell exact {baseExact}; one noise allows {allowed}; " +
                     $"by g: {string.Join(" ", histogram.OrderBy(x => x.Key).Select(x => $"{x.Key}:{x.Value.Exact}/{x.Value.N}"))}; ledgers {ledgers}";
        Assert.True(total >= 20, $"too little to find: {counts}");
        Assert.True(exact <= allowed, counts);
    }
}
