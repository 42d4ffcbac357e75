using Claims.Engine.Cohorts;
using Claims.Engine.Privacy;
using Claims.SyntheticGen;
using Claims.Testing;

namespace Claims.Engine.Tests.Privacy;

/// <summary>
/// Counts of patient sets released for other parts (a model's population, its features, its deciles): the count
/// rule, one set's figure whoever asks and whenever, near sets one figure, every set a unit of the budget.
/// </summary>
public class PatientCountsTests(RestrictedFixture fixture) : IClassFixture<RestrictedFixture>
{
    private const int Threshold = 5;
    private static readonly DisclosurePolicy Policy = new(Threshold);

    private static PatientSet Patients(int from, int to) => PatientRange.Of(from, to);

    [Fact]
    public void Counts_are_perturbed_suppressed_under_the_threshold_and_the_same_set_gets_the_same_figure_in_a_later_release()
    {
        var request = new DisclosureRequest("p", fixture.NewLedger(), "", Policy);
        var sizes = Enumerable.Range(0, 60).Select(i => 3 + 7 * i).ToArray();
        // Disjoint, so far apart from each other.
        var starts = sizes.Select((_, i) => 3 + i * 500).ToArray();
        var sets = sizes.Select((size, i) => Patients(starts[i], starts[i] + size)).ToArray();
        var first = PatientCounts.Release(fixture.Dataset, request, "test", "first", [() => Patients(0, 3), .. sets.Select(s => (Func<PatientSet>)(() => s))]);
        Assert.Null(first.Counts[0]);
        var moved = 0;
        for (var i = 0; i < sets.Length; i++)
        {
            var shown = first.Counts[i + 1];
            if (sizes[i] < Threshold) Assert.Null(shown);
            if (shown is null) continue;
            Assert.InRange(shown.Value - sizes[i], -PerturbationTable.MaxNoise, PerturbationTable.MaxNoise);
            Assert.True(shown >= Threshold);
            if (shown != sizes[i]) moved++;
        }
        Assert.True(moved > 20, $"only {moved} of {sets.Length} counts moved: the noise is not there");
        Assert.Equal(1 + sets.Length, request.Ledger.Spent("p"));
        Assert.Contains("suppression: counts of fewer than 5 patients (none included) are shown as x; each count is perturbed on its own patients", first.Rules);
        Assert.Equal($"budget: project 'p' has spent {1 + sets.Length} of its {DisclosurePolicy.DefaultBudget} figures ({DisclosurePolicy.DefaultBudget - 1 - sets.Length} left; every cell shown costs one, x included, asked again or not)", first.Budget);

        // Asked again, in another order, and one patient from each: the same figures, and each costs again.
        var again = PatientCounts.Release(fixture.Dataset, request, "test", "again", sets.Reverse().Select(s => (Func<PatientSet>)(() => s)).ToArray());
        Assert.Equal(first.Counts.Skip(1).Reverse(), again.Counts);
        var near = PatientCounts.Release(fixture.Dataset, request, "test", "near", sets.Select((s, i) => (Func<PatientSet>)(() => s.Except(Patients(starts[i], starts[i] + 1)))).ToArray());
        Assert.Equal(first.Counts.Skip(1).Select((c, i) => sizes[i] - 1 < Threshold && c is null ? null : c), near.Counts);
        Assert.Equal(1 + 3 * sets.Length, request.Ledger.Spent("p"));
    }

    [Fact]
    public void A_public_dataset_gets_exact_counts_and_no_rules_and_a_recorded_set_is_checked_by_later_extracts()
    {
        using var temp = new TempDirectory("claims-counts");
        Generator.Run(new GenerateOptions { Out = temp.Combine("ds"), Persons = 50, From = 202304, Months = 1, Seed = 7 });
        using var open = Engine.Storage.Dataset.Open(temp.Combine("ds"));
        var exact = PatientCounts.Release(open, new DisclosureRequest("", fixture.NewLedger(), "", Policy), "test", "open", [() => Patients(0, 3), () => Patients(0, 40)]);
        Assert.Equal([3L, 40L], exact.Counts);
        Assert.Empty(exact.Rules);
        Assert.Null(exact.Budget);

        var ledger = fixture.NewLedger();
        var request = new DisclosureRequest("p", ledger, "", Policy);
        PatientCounts.Release(fixture.Dataset, request, "model", "recorded", [() => Patients(0, 100)], recorded: Patients(0, 100));
        Assert.Equal("model", Assert.Single(ledger.Releases("p")).Kind);
        Assert.Throws<DisclosureException>(() => ledger.Check("p", Patients(0, 98), "extract", Policy));
    }
}
