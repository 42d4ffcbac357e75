using Claims.Engine.Privacy;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// Attack review 24, finding 1 through attrition counts (<see cref="CohortDisclosure"/>): a cohort step is decided
/// with its own count draw (<see cref="CellPerturbation.CountUniform"/> at its position) and was released with
/// <c>perturb.Of(key).Count(truth)</c>, the same draw. So a fixed set G of g patients (1 to 9; x, kept as a small
/// root) and k cohorts G ∪ Hᵢ (Hᵢ ten fresh patients the analyst knows to be exactly ten, e.g. a cohort pinned before)
/// gave shown counts vᵢ = g + 10 + eᵢ with eᵢ ≥ 0 only, and min(vᵢ) − 10 was g exactly (50 of 60 with 9 figures,
/// with a margin of 0 or 5). Now a step's count is released as <see cref="CellPerturbation.ShownCount"/>, drawn apart.
/// Abstract patient sets (indices), as <see cref="CohortDisclosureTests"/> builds them. Fails where ĝ equals g
/// more often than one noise allows.
/// </summary>
public sealed class CohortPinTests(RestrictedFixture fixture) : IClassFixture<RestrictedFixture>
{
    [Theory]
    [InlineData(8, 1, 0)]
    [InlineData(8, 2, 5)]
    public void Attrition_counts_beside_a_small_kept_cohort_do_not_pin_its_size(int trials, int seed, int margin)
    {
        var policy = new DisclosurePolicy(margin: margin);
        var apart = policy.Shown;
        var random = new Random(seed);
        var (exact, total, shownTotal) = (0, 0, 0);
        for (var t = 0; t < 60; t++)
        {
            var ledger = fixture.NewLedger(seed * 1000 + t);
            var g = 1 + random.Next(9);
            var baseId = 1;
            var group = Enumerable.Range(baseId, g).ToArray();
            long? Count(IEnumerable<int> patients, string name) => CohortDisclosure.Apply(fixture.Dataset,
                CohortDisclosureTests.Set(patients), new DisclosureRequest("attack", ledger, name, policy, long.MaxValue)).Count;
            Count(group, "g");
            var shown = new List<long>();
            for (var i = 0; i < trials; i++)
            {
                var helpers = Enumerable.Range(100 + 50 * i, apart);
                if (Count(group.Concat(helpers), $"u{i}") is { } v) shown.Add(v);
            }
            total++;
            shownTotal += shown.Count;
            // Near G iff apart + e < threshold + margin: shown, e ≥ 0 and v − apart ≥ g.
            var estimate = shown.Count > 0 ? shown.Min() - apart : -1;
            if (estimate == g) exact++;
        }
        var allowed = NoiseBound.MostHits(total, NoiseBound.ExactHit(1));
        var counts = $"cohorts, margin {margin}, unions {apart} from G, {trials} a set ({trials + 1} figures); sets {total}, shown {shownTotal}; ĝ exact {exact} of {total}; one noise allows {allowed}";
        Assert.True(exact <= allowed, counts);
    }
}
