using Claims.Engine.Cohorts;
using Claims.Engine.Privacy;
using Claims.Engine.Query;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// The attacks an analyst who knows the algorithm made on the sandbox (issue 11), and the averaging attack on
/// bounded noise (Asghar and Kaafar 2020), run against the restricted fixture whose truth the test reads straight
/// from the engine. Each states what the attacker learns: how often a derived figure equals the true small count,
/// against the bound the perturbation table allows, and that no exact 1–9 is ever released.
/// </summary>
public class AttackTests(RestrictedFixture fixture) : IClassFixture<RestrictedFixture>
{
    private long Truth(string json, string column = "n") =>
        (long)(Analyst.Value(fixture.Dataset.Execute(json).Column(column), 0) ?? 0);

    private static string Patients(string where) =>
        $$"""{"from": "receipts", "where": {{where}}, "select": [{"countDistinct": "patient_id", "as": "n"}]}""";

    private static string Between(int low, int high) => $$"""{"col": "patient_id", "between": [{{low}}, {{high}}]}""";

    [Fact]
    public void Union_arithmetic_lands_on_a_small_intersection_no_more_often_than_three_noises_allow()
    {
        // |A ∩ B| = A + B − (A or B), for 150 pairs of patient ranges overlapping by 1 to 9 patients.
        var analyst = new Analyst(fixture);
        var random = new Random(11);
        var (trials, hits) = (0, 0);
        while (trials < 150)
        {
            var a0 = random.Next(0, 1_200);
            var a1 = a0 + random.Next(40, 200);
            var overlap = random.Next(1, 10);
            var b0 = a1 - overlap + 1;
            var b1 = b0 + random.Next(40, 200);
            var truth = Truth(Patients($$"""{"and": [{{Between(a0, a1)}}, {{Between(b0, b1)}}]}"""));
            if (truth is < 1 or > 9) continue;
            var a = analyst.One(Patients(Between(a0, a1)));
            var b = analyst.One(Patients(Between(b0, b1)));
            var union = analyst.One(Patients($$"""{"or": [{{Between(a0, a1)}}, {{Between(b0, b1)}}]}"""));
            trials++;
            if (a + b - union == truth) hits++;
            // The intersection asked for itself is suppressed, never a small number.
            Assert.Null(analyst.One(Patients($$"""{"and": [{{Between(a0, a1)}}, {{Between(b0, b1)}}]}""")));
        }
        var bound = NoiseBound.ExactHit(3);
        Assert.InRange(bound, 0.10, 0.14);
        Assert.True(hits <= NoiseBound.MostHits(trials, bound), $"{hits} of {trials} exact, bound {bound:P1}");
        AssertNoSmallFigure(analyst);
    }

    [Fact]
    public void Union_arithmetic_on_points_and_age_gives_one_patient_s_totals_only_to_within_their_largest_claim()
    {
        // The same trick with sums: the attacker aims at one patient's points and age (attack 3 of issue 11).
        var analyst = new Analyst(fixture);
        var random = new Random(12);
        var (trials, exact) = (0, 0);
        while (trials < 60)
        {
            var a0 = random.Next(0, 1_200);
            var a1 = a0 + random.Next(40, 200);
            var b1 = a1 + random.Next(40, 200);
            string Sum(string where, string column) =>
                $$"""{"from": "receipts", "where": {{where}}, "select": [{"sum": "{{column}}", "as": "n"}]}""";
            var truth = Truth(Sum(Between(a1, a1), "total_points"));
            if (truth == 0) continue;
            trials++;
            var derived = analyst.One(Sum(Between(a0, a1), "total_points")) + analyst.One(Sum(Between(a1, b1), "total_points"))
                - analyst.One(Sum(Between(a0, b1), "total_points"));
            if (Math.Abs(derived!.Value - truth) < 1) exact++;
            var age = analyst.One(Sum(Between(a0, a1), "age")) + analyst.One(Sum(Between(a1, b1), "age")) - analyst.One(Sum(Between(a0, b1), "age"));
            if (Math.Abs(age!.Value - Truth(Sum(Between(a1, a1), "age"))) < 1) exact++;
        }
        // Continuous noise of about 0.4 of the largest value per cell: a landing within one unit is rare.
        Assert.True(exact <= 6, $"{exact} of {2 * trials} derived totals exact");
    }

    [Fact]
    public void Cell_differencing_a_group_by_over_everyone_and_over_all_but_one_prefecture_gives_no_exact_small_cells()
    {
        var analyst = new Analyst(fixture);
        var prefectures = Enumerable.Range(0, 47).Select(p => (long)p + 1).ToArray();
        var (trials, hits) = (0, 0);
        foreach (var prefecture in prefectures)
        {
            string ByAge(string? where) =>
                $$"""{"from": "receipts", {{(where is null ? "" : $"\"where\": {where},")}} "groupBy": ["age_band"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""";
            var others = $$"""{"col": "prefecture", "ne": {{prefecture}}}""";
            var only = $$"""{"col": "prefecture", "eq": {{prefecture}}}""";
            var all = Rows(analyst.Ask(ByAge(null)));
            var rest = Rows(analyst.Ask(ByAge(others)));
            var truth = Rows(new DisclosedResult(fixture.Dataset.Execute(ByAge(only)), [], []));
            foreach (var (band, count) in truth)
            {
                if (count is not (>= 1 and <= 9) || all.GetValueOrDefault(band) is not { } x || rest.GetValueOrDefault(band) is not { } y) continue;
                trials++;
                if (x - y == count) hits++;
            }
        }
        var bound = NoiseBound.ExactHit(2);
        Assert.True(trials >= 30, $"only {trials} small cells reached: the attack proves little");
        Assert.True(hits <= NoiseBound.MostHits(trials, bound), $"{hits} of {trials} exact, bound {bound:P1}");
        AssertNoSmallFigure(analyst);
    }

    private static Dictionary<long, long?> Rows(DisclosedResult result) => Enumerable.Range(0, result.Batch.Length)
        .Where(r => Analyst.Value(result.Batch.Column(0), r) is not null)
        .ToDictionary(r => (long)Analyst.Value(result.Batch.Column(0), r)!.Value, r => (long?)Analyst.Value(result.Batch.Column(1), r));

    [Fact]
    public void Fifty_logically_equivalent_rewrites_get_one_answer_and_spend_the_budget_once()
    {
        var analyst = new Analyst(fixture);
        var rewrites = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            var age = (i % 5) switch
            {
                0 => $$"""{"col": "age", "lt": {{200 + i}}}""",
                1 => $$"""{"col": "age", "le": {{199 + i}}}""",
                2 => $$$"""{"not": {"col": "age", "ge": {{{200 + i}}}}}""",
                3 => $$"""{"or": [{"col": "age", "lt": {{60 + i}}}, {"col": "age", "ge": {{60 + i}}}]}""",
                _ => $$$"""{"and": [{"col": "age", "between": [0, {{{150 + i}}}]}, {"not": {"col": "total_points", "lt": {{{-1 - i}}}}}]}""",
            };
            rewrites.Add($$"""{"from": "receipts", "where": {"and": [{"col": "prefecture", "eq": 13}, {{age}}]}, "select": [{"countDistinct": "patient_id", "as": "n"}, {"count": "*", "as": "rows"}]}""");
        }
        var answers = rewrites.Select(q => (analyst.One(q), analyst.One(q, "rows"))).Distinct().ToArray();
        Assert.Single(answers);
        Assert.Equal(2, analyst.Ledger.Spent("attack"));
    }

    [Fact]
    public void The_averaging_attack_stops_when_the_project_s_budget_is_spent()
    {
        // Differently formed cells over one small group's neighbours, each with fresh noise, until the budget ends.
        var analyst = new Analyst(fixture, budget: 120);
        var e = Assert.Throws<DisclosureBudgetException>(() =>
        {
            for (var pad = 10; pad < 1_000; pad++) analyst.One(Patients(Between(0, 20 + pad)));
        });
        Assert.Contains("has spent its disclosure budget", e.Message);
        Assert.Contains("an admin can grant more", e.Message);
        Assert.Equal(120, analyst.Ledger.Spent("attack"));
        // A figure already shown stays free: asking it again is still answered.
        Assert.NotNull(analyst.One(Patients(Between(0, 30))));
    }

    [Fact]
    public void Thin_columns_inside_large_groups_and_extremes_are_not_released()
    {
        var analyst = new Analyst(fixture);
        // Attack 5: counting a nullable column (admissions) inside large groups.
        var thin = analyst.Ask("""{"from": "receipts", "groupBy": ["prefecture"], "select": [{"count": "admission_date", "as": "admissions"}, {"countDistinct": "patient_id", "as": "patients"}]}""");
        var truth = fixture.Dataset.Execute("""{"from": "receipts", "where": {"col": "admission_date", "isNull": false}, "groupBy": ["prefecture"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""");
        var thinByPrefecture = Enumerable.Range(0, truth.Length).ToDictionary(r => Analyst.Value(truth.Column(0), r)!.Value, r => Analyst.Value(truth.Column(1), r)!.Value);
        var hidden = 0;
        for (var r = 0; r < thin.Batch.Length; r++)
        {
            var behind = thinByPrefecture.GetValueOrDefault(Analyst.Value(thin.Batch.Column(0), r) ?? -1);
            if (behind is >= 1 and <= 9 && !thin.IsSuppressed(r, "patients"))
            {
                Assert.True(thin.IsSuppressed(r, "admissions"));
                hidden++;
            }
        }
        Assert.True(hidden > 0, "no large group with a few admissions: the attack proves little");
        foreach (var refused in new[]
                 {
                     """{"from": "receipts", "select": [{"max": "total_points", "as": "n"}]}""",
                     """{"from": "receipts", "select": [{"min": "age", "as": "n"}]}""",
                     """{"from": "receipts", "select": [{"max": "birth_ym", "as": "n"}]}""",
                     """{"from": "receipts", "select": [{"avg": "facility_id", "as": "n"}]}""",
                     """{"from": "receipts", "select": [{"countDistinct": "id1", "as": "n"}]}""",
                     """{"from": "diagnoses", "select": [{"sum": "is_suspected", "as": "n"}]}""",
                     """{"from": "receipts", "groupBy": ["birth_ym"], "select": [{"count": "*", "as": "n"}]}""",
                 })
        {
            var e = Assert.Throws<QueryException>(() => analyst.Ask(refused));
            Assert.Matches("refused|identif|count", e.Message);
        }
        AssertNoSmallFigure(analyst);
    }

    [Fact]
    public void Overlapping_cohorts_and_attrition_chains_release_no_small_count_and_no_exact_difference()
    {
        var analyst = new Analyst(fixture);
        var random = new Random(13);
        var (trials, hits) = (0, 0);
        for (var i = 0; i < 100; i++)
        {
            var size = random.Next(200, 600);
            var removed = random.Next(1, 10);
            var chain = Chain(size, [size - removed, size - removed - random.Next(10, 40)]);
            var released = CohortDisclosure.Apply(fixture.Dataset, chain, new DisclosureRequest("attack", analyst.Ledger, $"c{i}", DisclosurePolicy.Default));
            Assert.Null(released.Attrition[1].Remaining);
            Assert.Null(released.Attrition[1].Removed);
            // The overlapping cohort without the rule: its count minus the chain's entry count aims at nothing hidden,
            // while the first rule's removed count, derived from the released counts, would need two equal noises.
            var entry = released.Attrition[0].Remaining!.Value;
            var single = CohortDisclosure.Apply(fixture.Dataset, Chain(size - removed, []), new DisclosureRequest("attack", analyst.Ledger, $"s{i}", DisclosurePolicy.Default));
            if (single.Count is { } after)
            {
                trials++;
                if (entry - after == removed) hits++;
            }
            foreach (var step in released.Attrition.Concat(single.Attrition))
                foreach (var n in new[] { step.Remaining, step.Removed })
                    Assert.False(n is >= 1 and <= 9, $"released {n}");
        }
        Assert.True(trials > 50);
        Assert.True(hits <= NoiseBound.MostHits(trials, NoiseBound.ExactHit(2)), $"{hits} of {trials} exact");
    }

    [Fact]
    public void No_rule_text_or_refusal_carries_a_hidden_count()
    {
        var analyst = new Analyst(fixture);
        var small = analyst.Ask(Patients(Between(0, 4)));
        var large = analyst.Ask(Patients(Between(0, 400)));
        // The rules differ only in the budget line, whose figures count released cells, not patients.
        Assert.Equal(small.Rules.SkipLast(1), large.Rules.SkipLast(1));
        Assert.DoesNotContain(small.Rules, r => r.Contains("differencing", StringComparison.Ordinal));
        var budget = small.Rules[^1];
        Assert.StartsWith("budget:", budget);
    }

    private static Cohort Chain(int entry, int[] remaining)
    {
        var counts = new long[] { entry }.Concat(remaining.Select(r => (long)r)).ToArray();
        var capacity = Math.Max(entry, 1);
        var sets = counts.Select(c =>
        {
            var set = new PatientSet(capacity);
            for (var p = 0; p < c; p++) set.Add(p);
            return set;
        }).ToArray();
        var steps = counts.Select((c, i) => new AttritionStep(i == 0 ? "entry" : $"rule {i}", c, i == 0 ? 0 : counts[i - 1] - c)).ToArray();
        return new Cohort("chain", sets[^1], new int[capacity], new int[capacity], steps, sets);
    }

    private static void AssertNoSmallFigure(Analyst analyst)
    {
        Assert.NotEmpty(analyst.Seen);
        Assert.DoesNotContain(analyst.Seen, v => v is >= 1 and <= 9 && v == Math.Floor(v));
    }
}
