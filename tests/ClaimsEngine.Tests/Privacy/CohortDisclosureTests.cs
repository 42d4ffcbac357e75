using Claims.Engine.Cohorts;
using Claims.Engine.Privacy;

namespace Claims.Engine.Tests.Privacy;

public class CohortDisclosureTests(RestrictedFixture fixture) : IClassFixture<RestrictedFixture>
{
    private const int Threshold = 5;
    private static readonly DisclosurePolicy Policy = new(Threshold);

    [Fact]
    public void Attrition_counts_are_each_perturbed_on_their_own_patients_and_never_small()
    {
        // As any count: under the threshold x, from D above it shown, between by the noise; and a count near one
        // decided before shows that one's figure.
        var random = new Random(20261126);
        var (suppressed, moved, blurred, fewRemoved, farShown) = (0, 0, 0, 0, 0);
        // A figure shown for a step near a later one is that step's: off its own truth by the few between them as well.
        const int nearError = PerturbationTable.MaxNoise + Threshold + PerturbationTable.MaxNoise - 1;
        for (var trial = 0; trial < 400; trial++)
        {
            var remaining = new long[random.Next(2, 6)];
            remaining[0] = random.Next(0, 60);
            for (var i = 1; i < remaining.Length; i++) remaining[i] = Math.Max(0, remaining[i - 1] - random.Next(0, 20));
            var released = CohortDisclosure.Apply(fixture.Dataset, Chain(remaining), new DisclosureRequest("p", fixture.NewLedger(), "", Policy));
            for (var i = 0; i < remaining.Length; i++)
            {
                var step = released.Attrition[i];
                var removedTruth = i == 0 ? 0 : remaining[i - 1] - remaining[i];
                var figures = i == 0 ? [(step.Remaining, remaining[i])] : new[] { (step.Remaining, remaining[i]), (step.Removed, removedTruth) };
                foreach (var (figure, (shown, truth)) in figures.Index())
                {
                    // A count under the threshold is x by its own rule, or shown the figure of a count near it, never itself.
                    if (truth < Threshold && shown is not null) Assert.InRange(shown.Value - truth, 1, nearError);
                    if (shown is null) { suppressed++; if (truth >= Threshold) blurred++; continue; }
                    // A remaining count far from its truth shows the figure of a later step near it, itself shown its own
                    // or a nearer one's (a family of near cells keeps its root's figure, CellHistory); a removed count one
                    // hop at most.
                    if (figure == 0) Assert.True(OwnOrAlongNearSteps(released, remaining, i), $"trial {trial}: step {i} shows {shown} for {truth}");
                    else Assert.InRange(shown.Value - truth, -nearError, nearError);
                    Assert.True(shown >= Threshold, $"trial {trial}: released small count {shown}");
                    if (shown != truth) moved++;
                }
                if (i == 0) continue;
                // The steps are nested, so two of them are as far apart as the rules between them removed: a last rule
                // that removed fewer than the threshold gives the step before it the cohort's own figure (decided
                // first), so equal answers say only "a few or none"; a step far from every later one has its own.
                var before = released.Attrition[i - 1].Remaining;
                if (i == remaining.Length - 1 && removedTruth < Threshold && step.Remaining is not null && before is not null)
                {
                    fewRemoved++;
                    Assert.Equal(step.Remaining, before);
                }
                if (remaining[i - 1] - remaining.Skip(i).Max() >= Threshold + PerturbationTable.MaxNoise && remaining[i - 1] >= Threshold + PerturbationTable.MaxNoise)
                {
                    farShown++;
                    Assert.InRange(before!.Value - remaining[i - 1], -PerturbationTable.MaxNoise, PerturbationTable.MaxNoise);
                }
            }
            Assert.Equal(0, released.Attrition[0].Removed);
            // The cohort's own count is decided first: only the count rule can withhold it or move it.
            if (remaining[^1] >= Threshold + PerturbationTable.MaxNoise) Assert.InRange(released.Count!.Value - remaining[^1], -PerturbationTable.MaxNoise, PerturbationTable.MaxNoise);
        }
        Assert.True(suppressed > 200, $"only {suppressed} suppressed cells: the test proves little");
        Assert.True(blurred > 10, $"only {blurred} counts at or above the threshold were perturbed below it");
        Assert.True(moved > 200, $"only {moved} released counts were perturbed");
        Assert.True(fewRemoved > 20, $"only {fewRemoved} steps removed a few");
        Assert.True(farShown > 20, $"only {farShown} steps far from the later ones");
    }

    [Fact]
    public void An_extract_differing_from_an_earlier_release_by_a_few_patients_is_refused_without_saying_by_how_many()
    {
        var ledger = fixture.NewLedger();
        var first = Chain([400, 120]);
        var shown = CohortDisclosure.Apply(fixture.Dataset, first, new DisclosureRequest("study", ledger, "a", DisclosurePolicy.Default));
        Assert.Single(ledger.Releases("study"));

        // The same entry, but 3 patients fewer after the rule: its final set differs from the first's by 3.
        var attack = Chain([400, 117]);
        var counted = CohortDisclosure.Apply(fixture.Dataset, attack, new DisclosureRequest("study", ledger, "b", DisclosurePolicy.Default));
        // Its patients are near the first's, so it is shown the first's figures: equal answers, whether 3 apart or none.
        Assert.Equal(shown.Attrition.Select(s => (s.Remaining, s.Removed)), counted.Attrition.Select(s => (s.Remaining, s.Removed)));
        Assert.Equal(2, ledger.Releases("study").Count);
        var error = Assert.Throws<DisclosureException>(() =>
            CohortDisclosure.ApproveExtract(fixture.Dataset, Chain([400, 123]), new DisclosureRequest("study", ledger, "c", DisclosurePolicy.Default)));
        Assert.Contains("by fewer than 10 patients", error.Message);
        Assert.DoesNotContain(" 3 ", error.Message);
        Assert.DoesNotContain(" 6 ", error.Message);
        Assert.Equal(2, ledger.Releases("study").Count);
        // An extract of fewer than ten patients is refused in any project.
        var few = Assert.Throws<DisclosureException>(() =>
            CohortDisclosure.ApproveExtract(fixture.Dataset, Chain([400, 7]), new DisclosureRequest("fresh", ledger, "d", DisclosurePolicy.Default)));
        Assert.Equal("an extract of restricted data needs a cohort of at least 10 patients; this one has fewer", few.Message);
        // Another project has released nothing, so the same extract is allowed there.
        Assert.NotNull(CohortDisclosure.ApproveExtract(fixture.Dataset, Chain([400, 123]), new DisclosureRequest("other", ledger, "c", DisclosurePolicy.Default)));
    }

    [Fact]
    public void The_same_cohort_asked_again_gets_the_same_counts_and_is_charged_by_its_shape_alone()
    {
        var ledger = fixture.NewLedger();
        var request = new DisclosureRequest("study", ledger, "a", DisclosurePolicy.Default);
        var first = CohortDisclosure.Apply(fixture.Dataset, Chain([400, 300, 120]), request);
        var spent = ledger.Spent("study");
        Assert.Equal(5, spent);
        var again = CohortDisclosure.Apply(fixture.Dataset, Chain([400, 300, 120]), request);
        Assert.Equal(first.Attrition, again.Attrition);
        Assert.Equal(2 * spent, ledger.Spent("study"));
        Assert.DoesNotContain(first.Rules, r => r.Contains("400", StringComparison.Ordinal) || r.Contains("120", StringComparison.Ordinal));
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

    /// <summary>A cohort of exactly these patients, without attrition rules.</summary>
    internal static Cohort Set(IEnumerable<int> patients)
    {
        var members = patients.ToArray();
        var capacity = members.Max() + 1;
        var set = new PatientSet(capacity);
        foreach (var p in members) set.Add(p);
        return new Cohort("set", set, new int[capacity], new int[capacity], [new AttritionStep("entry", members.Length, 0)], [set]);
    }

    /// <summary>A cohort whose attrition has these remaining counts, each step's patients a prefix of ids 0, 1, 2, …</summary>
    [Fact]
    public void A_cohort_release_lists_its_rules_and_is_recorded_with_its_patients_under_its_name_only_when_shown()
    {
        var ledger = fixture.NewLedger();
        var released = CohortDisclosure.Apply(fixture.Dataset, Chain([300, 200]), new DisclosureRequest("p", ledger, "", Policy));
        Assert.Equal([
            "suppression: counts of fewer than 5 patients (none included) are shown as x; each remaining and removed count is perturbed on its own patients",
            DisclosureRules.Perturbation(Policy, "patients"), DisclosureRules.Differencing(Policy, "patients"),
            "budget: project 'p' has spent 3 of its 20000 figures (19997 left; every cell shown costs one, x included, asked again or not)",
        ], released.Rules);
        Assert.Equal("chain", released.Name);
        Assert.Equal(released.Attrition[^1].Remaining, released.Count);
        var release = ledger.Releases("p").Single();
        Assert.Equal(("cohort", "chain", 200L), (release.Kind, release.Label, release.Count));

        // A cohort whose own count is x hands over nobody: nothing is recorded, though its steps cost their units.
        var hidden = CohortDisclosure.Apply(fixture.Dataset, Chain([300, 2]), new DisclosureRequest("p", ledger, "", Policy));
        Assert.Null(hidden.Count);
        Assert.Equal(release, ledger.Releases("p").Single());
        Assert.Equal(6, ledger.Spent("p"));
    }

    /// <summary>
    /// Whether step <paramref name="i"/>'s remaining figure is its own (within the noise of its truth) or that of a
    /// later step within reach of it (the threshold, margin and noise, as CellHistory measures near) whose figure is in
    /// turn its own or such a step's: a family keeps its root's figure, and a cell near two families lands on either by
    /// its draw (review 26), so the step it lands on need not be the next one.
    /// </summary>
    private static bool OwnOrAlongNearSteps(DisclosedCohort released, long[] truth, int i)
    {
        const int reach = Threshold + PerturbationTable.MaxNoise - 1;
        var shown = released.Attrition[i].Remaining!.Value;
        if (Math.Abs(shown - truth[i]) <= PerturbationTable.MaxNoise) return true;
        for (var j = i + 1; j < truth.Length; j++)
            if (released.Attrition[j].Remaining == shown && truth[i] - truth[j] <= reach + Policy.Margin && OwnOrAlongNearSteps(released, truth, j))
                return true;
        return false;
    }

    internal static Cohort Chain(long[] remaining)
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
