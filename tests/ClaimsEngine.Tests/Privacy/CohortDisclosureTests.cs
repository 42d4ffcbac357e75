using Claims.Engine.Cohorts;
using Claims.Engine.Privacy;

namespace Claims.Engine.Tests.Privacy;

public class CohortDisclosureTests(RestrictedFixture fixture) : IClassFixture<RestrictedFixture>
{
    private const int Threshold = 5;
    private static readonly DisclosurePolicy Policy = new(Threshold);

    [Fact]
    public void No_suppressed_attrition_count_can_be_worked_out_even_knowing_the_rule_that_hid_it()
    {
        // Small values and a threshold of 5 so that suppression happens at most steps, and chains short enough to
        // enumerate every attrition that the same release would come from: the attacker knows the algorithm.
        var random = new Random(20261126);
        var suppressedCells = 0;
        for (var trial = 0; trial < 400; trial++)
        {
            var remaining = new long[random.Next(2, 6)];
            remaining[0] = random.Next(0, 25);
            for (var i = 1; i < remaining.Length; i++) remaining[i] = Math.Max(0, remaining[i - 1] - random.Next(0, 9));
            var released = CohortDisclosure.Apply(fixture.Dataset, Chain(remaining), new DisclosureRequest("p", fixture.NewLedger(), "", Policy));

            var possible = remaining.Select(_ => new HashSet<long>()).ToArray();
            var removedPossible = remaining.Select(_ => new HashSet<long>()).ToArray();
            Enumerate(released.Attrition, new long[remaining.Length], 0, possible, removedPossible);
            for (var i = 0; i < remaining.Length; i++)
            {
                var step = released.Attrition[i];
                Assert.Contains(remaining[i], possible[i]);
                if (step.Remaining is { } shown) Assert.False(Policy.IsSmall(shown), $"trial {trial}: released small count {shown}");
                else
                {
                    suppressedCells++;
                    Assert.True(possible[i].Count > 1, $"trial {trial}: remaining[{i}] = {remaining[i]} is determined by [{string.Join(", ", released.Attrition.Select(s => s.Remaining?.ToString() ?? "x"))}]");
                }
                if (step.Removed is null) Assert.True(removedPossible[i].Count > 1, $"trial {trial}: removed[{i}] is determined");
                else Assert.False(Policy.IsSmall(step.Removed.Value), $"trial {trial}: released small removed count");
            }
        }
        Assert.True(suppressedCells > 200, $"only {suppressedCells} suppressed cells: the test proves little");
    }

    /// <summary>Every non-increasing chain (values up to 30) whose release would be exactly the one observed.</summary>
    private static void Enumerate(IReadOnlyList<DisclosedStep> steps, long[] chain, int i, HashSet<long>[] possible, HashSet<long>[] removed)
    {
        if (i == chain.Length)
        {
            var shown = CohortDisclosure.Released(chain, Policy);
            for (var j = 0; j < chain.Length; j++)
                if (shown[j] != steps[j].Remaining.HasValue || (shown[j] && steps[j].Remaining != chain[j])) return;
            for (var j = 0; j < chain.Length; j++)
            {
                possible[j].Add(chain[j]);
                if (j > 0) removed[j].Add(chain[j - 1] - chain[j]);
            }
            return;
        }
        for (long value = 0; value <= (i == 0 ? 30 : chain[i - 1]); value++)
        {
            if (steps[i].Remaining is { } known && known != value) continue;
            if (i > 0 && steps[i].Removed is { } gone && gone != chain[i - 1] - value) continue;
            chain[i] = value;
            Enumerate(steps, chain, i + 1, possible, removed);
        }
    }

    [Fact]
    public void A_cohort_differing_from_an_earlier_release_by_a_few_patients_is_refused_and_records_nothing()
    {
        var ledger = fixture.NewLedger();
        var first = Chain([400, 120]);
        CohortDisclosure.Apply(fixture.Dataset, first, new DisclosureRequest("study", ledger, "a", DisclosurePolicy.Default));
        Assert.Equal(2, ledger.Releases("study").Count);

        // The same entry, but 3 patients fewer after the rule: its final set differs from the first's by 3.
        var attack = Chain([400, 117]);
        var error = Assert.Throws<DisclosureException>(() =>
            CohortDisclosure.Apply(fixture.Dataset, attack, new DisclosureRequest("study", ledger, "b", DisclosurePolicy.Default)));
        Assert.Contains("by 3 patients", error.Message);
        Assert.Equal(2, ledger.Releases("study").Count);

        // Another project has released nothing, so the same cohort is allowed there.
        var released = CohortDisclosure.Apply(fixture.Dataset, attack, new DisclosureRequest("other", ledger, "b", DisclosurePolicy.Default));
        Assert.Equal(117, released.Count);
        // Re-running the first cohort is not an attack.
        CohortDisclosure.Apply(fixture.Dataset, first, new DisclosureRequest("study", ledger, "a", DisclosurePolicy.Default));
    }

    [Fact]
    public void A_public_dataset_releases_every_count_unchanged()
    {
        using var temp = new Claims.Testing.TempDirectory();
        SyntheticGen.Generator.Run(new SyntheticGen.GenerateOptions { Out = temp.Combine("ds"), Persons = 300, From = 202304, Months = 1, Seed = 5 });
        using var dataset = Engine.Storage.Dataset.Open(temp.Combine("ds"));
        var released = CohortDisclosure.Apply(dataset, Chain([30, 3]), new DisclosureRequest("", fixture.NewLedger(), "", DisclosurePolicy.Default));
        Assert.Equal([30L, 3L], released.Attrition.Select(s => s.Remaining!.Value));
        Assert.Empty(released.Rules);
    }

    /// <summary>A cohort whose attrition has these remaining counts, each step's patients a prefix of ids 0, 1, 2, …</summary>
    private static Cohort Chain(long[] remaining)
    {
        var capacity = (int)Math.Max(1, remaining[0]);
        var sets = remaining.Select(r =>
        {
            var set = new PatientSet(capacity);
            for (var p = 0; p < r; p++) set.Add(p);
            return set;
        }).ToArray();
        var steps = remaining.Select((r, i) => new AttritionStep(i == 0 ? "entry" : $"rule {i}", r, i == 0 ? 0 : remaining[i - 1] - r)).ToArray();
        return new Cohort("chain", sets[^1], new int[capacity], new int[capacity], steps, sets);
    }
}
