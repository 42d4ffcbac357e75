using Claims.Engine.Privacy;
using Claims.Engine.Query;

using static Claims.Engine.Tests.Privacy.Attacks.Targets;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// Attack review 24, the person-level form of <see cref="SmallCountPinTests"/>, at the service's default margin of
/// 5 (which the documentation says closes the threshold's edge: "none of either").
///
/// G = four known people (each alone in a checkup block) plus the target's checkup where it holds the secret: g is 4
/// without the secret, 5 with it; x, kept as a small root. Then k unions G ∪ Hᵢ, Hᵢ fifteen fresh known people: near
/// G (and x) iff 15 + eᵢ &lt; 15, so a shown union had eᵢ ≥ 0 and its figure vᵢ = g + 15 + eᵢ ≥ g + 15 (the same
/// draw). Flag the secret where min(vᵢ) − 15 ≥ 5: with the secret always (a hard bound; 20 of 20), without only
/// where no shown union drew eᵢ = 0 (4 of 40). Now the figure is drawn apart from the cell's decision. One fresh project per target (the fixture has a few hundred known people;
/// a real population has enough for one project). Fails where the flag rate with the secret passes the rate without
/// by more than the margin's own edge does (ThresholdEdgeTests: 22 of 38 against 40 of 112, a gap of about 0.22).
/// </summary>
public sealed class MarginPinTests(CheckupYearFixture fixture) : IClassFixture<CheckupYearFixture>
{
    private const int Known = 4;
    private const int Apart = 15;

    [Theory]
    [InlineData("""{"col": "med_bp", "eq": true}""", 1, 12)]
    [InlineData("""{"col": "hba1c", "ge": 5.6}""", 2, 12)]
    [InlineData("""{"col": "smoking", "eq": true}""", 3, 12)]
    public void A_small_kept_cell_does_not_give_away_one_person_s_secret_at_the_margin(string secret, int seed, int trials)
    {
        var policy = new DisclosurePolicy(margin: 5);
        var (_, alone) = Targets.CheckupPadsAndPeople(fixture);
        var random = new Random(seed);
        alone = [.. alone.OrderBy(_ => random.Next())];
        // Twenty targets, at least six with the secret, each followed by four known companions; the rest the pool the
        // unions' helpers come from.
        var targets = WithAndWithout(alone, 100 / (Known + 1), 6, b => CheckupTruth(fixture, Block(b, secret)) > 0);
        var others = alone.Except(targets).ToList();
        alone = [.. targets.SelectMany((target, i) => others.Skip(i * Known).Take(Known).Prepend(target)), .. others.Skip(targets.Count * Known)];
        var pool = alone.Skip(100).ToList();
        var (with, without, flaggedWith, flaggedWithout, figures) = (0, 0, 0, 0, 0);
        for (var t = 0; t + Known + 1 <= 100; t += Known + 1)
        {
            var target = alone[t];
            var known = alone.Skip(t + 1).Take(Known).Select(b => Block(b)).ToList();
            var g = Or([.. known, Block(target, secret)]);
            var ledger = fixture.NewLedger(seed * 1000 + t);
            First(fixture, ledger, CheckupPatients(g), policy);
            figures++;
            var start = random.Next(pool.Count);
            var shown = new List<double>();
            for (var i = 0; i < trials; i++)
            {
                // Disjoint windows of the pool: unions 30 apart, never near each other.
                var h = Enumerable.Range(0, Apart).Select(j => pool[(start + i * Apart + j) % pool.Count]).Select(b => Block(b));
                if (First(fixture, ledger, CheckupPatients(Or([g, .. h])), policy) is { } v) shown.Add(v);
                figures++;
            }
            var estimate = shown.Count > 0 ? shown.Min() - Apart : double.NaN;
            var flagged = estimate >= Known + 1;
            var has = CheckupTruth(fixture, Block(target, secret)) > 0;
            if (has) { with++; if (flagged) flaggedWith++; } else { without++; if (flagged) flaggedWithout++; }
        }
        var counts = $"{secret}: margin 5, {Known} known + target, {trials} unions {Apart} apart ({trials + 1} figures a target); with the secret {with}, flagged {flaggedWith}; without {without}, flagged {flaggedWithout} (false positives)";
        Assert.True(with >= 3 && without >= 3, $"too little to find: {counts}");
        Assert.True(flaggedWith / (double)with - flaggedWithout / (double)without < 0.3, counts);
    }
}
