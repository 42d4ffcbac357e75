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

    private static string Ages(int low, int high) => $$"""{"col": "age", "between": [{{low}}, {{high}}]}""";

    private static string In(int prefecture, string where) => $$"""{"and": [{"col": "prefecture", "eq": {{prefecture}}}, {{where}}]}""";

    private static readonly int[] s_large = [13, 14, 27, 23, 11, 12, 28, 1, 40, 22];

    [Fact]
    public void Union_arithmetic_lands_on_a_small_intersection_no_more_often_than_three_noises_allow()
    {
        // |A ∩ B| = A + B − (A or B): A is every prefecture at ages a0–a1, B one prefecture at ages a1–b1, so the
        // intersection is that prefecture at age a1, a handful of patients.
        var analyst = new Analyst(fixture);
        var random = new Random(11);
        var (trials, hits, tries) = (0, 0, 0);
        while (trials < 150 && tries++ < 5_000)
        {
            var a1 = random.Next(20, 90);
            var a0 = a1 - random.Next(10, 40);
            var b1 = a1 + random.Next(10, 40);
            var prefecture = s_large[random.Next(s_large.Length)];
            var a = Ages(a0, a1);
            var b = In(prefecture, Ages(a1, b1));
            var truth = Truth(Patients($$"""{"and": [{{a}}, {{b}}]}"""));
            if (truth is < 1 or > 9) continue;
            var (ra, rb, union) = (analyst.One(Patients(a)), analyst.One(Patients(b)), analyst.One(Patients($$"""{"or": [{{a}}, {{b}}]}""")));
            if (ra is null || rb is null || union is null) continue;
            trials++;
            if (ra + rb - union == truth) hits++;
            // The intersection asked for itself is suppressed, or shown the figure of a cell near it: never itself.
            Assert.NotEqual(truth, analyst.One(Patients($$"""{"and": [{{a}}, {{b}}]}""")));
        }
        Assert.True(trials >= 100, $"only {trials} small intersections reached");
        var bound = NoiseBound.ExactHit(3);
        Assert.InRange(bound, 0.10, 0.14);
        Assert.True(hits <= NoiseBound.MostHits(trials, bound), $"{hits} of {trials} exact, bound {bound:P1}");
        AssertNoSmallFigure(analyst);
    }

    [Fact]
    public void Union_arithmetic_on_points_and_age_gives_one_patient_s_totals_only_to_within_their_largest_claim()
    {
        // The same trick with sums: the attacker aims at a handful of patients' points and ages (attack 3 of issue 11).
        var analyst = new Analyst(fixture);
        var random = new Random(12);
        var (trials, exact, tries) = (0, 0, 0);
        string Sum(string where, string column) => $$"""{"from": "receipts", "where": {{where}}, "select": [{"sum": "{{column}}", "as": "n"}]}""";
        while (trials < 60 && tries++ < 5_000)
        {
            var a1 = random.Next(20, 90);
            var (a, b) = (Ages(a1 - random.Next(10, 40), a1), In(s_large[random.Next(s_large.Length)], Ages(a1, a1 + random.Next(10, 40))));
            var both = $$"""{"and": [{{a}}, {{b}}]}""";
            var patients = Truth(Patients(both));
            if (patients is < 1 or > 9) continue;
            trials++;
            foreach (var column in new[] { "total_points", "age" })
            {
                var derived = analyst.One(Sum(a, column)) + analyst.One(Sum(b, column)) - analyst.One(Sum($$"""{"or": [{{a}}, {{b}}]}""", column));
                if (derived is { } d && Math.Abs(d - Truth(Sum(both, column))) < 1) exact++;
            }
        }
        Assert.True(trials >= 40, $"only {trials} small intersections reached");
        // Noise of about twice the largest value per cell: a landing within one unit is rare.
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
    public void Fifty_logically_equivalent_rewrites_get_one_answer_and_each_is_charged_alike()
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
        // Each release (each rewrite is asked twice, once per column read) is charged by its shape, two cells, so the
        // spend says nothing of whether it repeated an earlier one.
        Assert.Equal(200, analyst.Ledger.Spent("attack"));
    }

    [Fact]
    public void The_averaging_attack_stops_when_the_project_s_budget_is_spent()
    {
        // Differently formed cells, each with fresh noise, until the budget ends.
        var analyst = new Analyst(fixture, budget: 120);
        string Cheap(int k) => $$"""{"from": "receipts", "where": {"col": "total_points", "lt": {{200 + 37 * k}}}, "select": [{"count": "*", "as": "n"}]}""";
        var e = Assert.Throws<DisclosureBudgetException>(() =>
        {
            for (var k = 0; k < 1_000; k++) analyst.One(Cheap(k));
        });
        Assert.Contains("has spent its disclosure budget", e.Message);
        Assert.Contains("an admin can grant more", e.Message);
        Assert.Equal(120, analyst.Ledger.Spent("attack"));
        // A repeat is charged too (a free repeat would tell, by the spend, that two releases agree).
        Assert.Throws<DisclosureBudgetException>(() => analyst.One(Cheap(3)));
    }

    [Fact]
    public void A_spent_budget_refuses_every_release_before_it_runs_so_a_refusal_says_nothing_of_the_data()
    {
        // Refused after running when its own cells would pass the budget, a release told whether it would have shown
        // anything: its query with nothing to show ran free. An attack review asked one person's cell that way again
        // and again once the budget was down to its last figure, for nothing.
        var analyst = new Analyst(fixture, budget: 3);
        string Cheap(int k) => $$"""{"from": "receipts", "where": {"col": "total_points", "lt": {{200 + 37 * k}}}, "select": [{"count": "*", "as": "n"}]}""";
        analyst.One(Cheap(0));
        analyst.One(Cheap(1));
        // One figure left: a release of two is shown whole, and the spend passes the budget by it.
        var whole = analyst.Ask("""{"from": "receipts", "where": {"col": "total_points", "lt": 5000}, "select": [{"count": "*", "as": "n"}, {"countDistinct": "patient_id", "as": "p"}]}""");
        Assert.Equal(1, whole.Batch.Length);
        Assert.Empty(whole.Suppressed);
        Assert.Equal(4, analyst.Ledger.Spent("attack"));

        var releases = analyst.Ledger.Releases("attack").Count;
        foreach (var json in new[]
                 {
                     """{"from": "receipts", "groupBy": ["sex"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""",
                     // Nobody: before, this ran free and answered with no rows.
                     """{"from": "receipts", "where": {"col": "age", "gt": 150}, "groupBy": ["sex"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""",
                 })
        {
            var e = Assert.Throws<DisclosureBudgetException>(() => analyst.Ask(json));
            Assert.Equal("project 'attack' has spent its disclosure budget (4 of 3 figures); an admin can grant more", e.Message);
        }
        Assert.Equal(4, analyst.Ledger.Spent("attack"));
        Assert.Equal(releases, analyst.Ledger.Releases("attack").Count);
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
            if (behind is >= 0 and <= 9 && !thin.IsSuppressed(r, "patients"))
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
                     """{"from": "receipts", "where": {"col": "sex", "eq": 1}, "select": [{"sum": "sex", "as": "n"}]}""",
                     """{"from": "receipts", "where": {"col": "patient_id", "eq": 17}, "groupBy": ["service_month"], "select": [{"count": "*", "as": "n"}]}""",
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
        var (trials, hits, overlapping) = (0, 0, 0);
        for (var i = 0; i < 100; i++)
        {
            var size = random.Next(200, 600);
            var removed = random.Next(1, 10);
            var released = CohortDisclosure.Apply(fixture.Dataset, CohortDisclosureTests.Chain([size, size - removed, size - removed - random.Next(10, 40)]),
                new DisclosureRequest("attack", analyst.Ledger, $"c{i}", DisclosurePolicy.Default));
            // The few removed are x, or shown the figure of a count near them, never themselves.
            Assert.NotEqual(removed, released.Attrition[1].Removed);
            // The removed few, as the difference of the two released remaining counts.
            if (released.Attrition[0].Remaining - released.Attrition[1].Remaining == removed) hits++;
            trials++;
            // The overlapping cohort whose entry is the chain's second step: its count against the chain's entry.
            var single = CohortDisclosure.Apply(fixture.Dataset, CohortDisclosureTests.Chain([size - removed]), new DisclosureRequest("attack", analyst.Ledger, $"s{i}", DisclosurePolicy.Default));
            if (released.Attrition[0].Remaining - single.Count == removed) overlapping++;
            foreach (var step in released.Attrition.Concat(single.Attrition))
                foreach (var n in new[] { step.Remaining, step.Removed })
                    Assert.False(n is >= 1 and <= 9, $"released {n}");
        }
        Assert.True(hits <= NoiseBound.MostHits(trials, NoiseBound.ExactHit(2)), $"{hits} of {trials} exact");
        Assert.True(overlapping <= NoiseBound.MostHits(trials, NoiseBound.ExactHit(2)), $"{overlapping} of {trials} exact");
    }

    [Fact]
    public void Group_keys_of_a_narrow_selection_give_no_record_away()
    {
        // Attack 1 of the review: group a handful of patients by fine keys, hoping each row's keys are a claim.
        var analyst = new Analyst(fixture);
        foreach (var prefecture in s_large)
        {
            var result = analyst.Ask($$"""{"from": "receipts", "where": {{In(prefecture, Ages(70, 71))}}, "groupBy": ["service_month", "total_points", "age", "sex"], "select": [{"count": "*", "as": "n"}]}""");
            // A row is shown only with a figure released, and then its group holds at least ten patients.
            for (var r = 0; r < result.Batch.Length; r++) Assert.False(result.IsSuppressed(r, "n"));
        }
        AssertNoSmallFigure(analyst, allowEmpty: true);
    }

    [Fact]
    public void None_and_a_few_look_alike_so_narrow_yes_no_questions_go_unanswered()
    {
        // Attack 2 of the review: "does anybody in this narrow group have E11?" by 0 against x.
        var analyst = new Analyst(fixture);
        var (asked, none) = (0, 0);
        foreach (var prefecture in s_large)
        {
            for (var age = 40; age < 80; age += 7)
            {
                const string hasE11 = """{"exists": {"from": "diagnoses", "where": {"col": "icd10", "prefix": "E11"}}}""";
                var json = Patients($$"""{"and": [{{In(prefecture, Ages(age, age))}}, {{hasE11}}]}""");
                var truth = Truth(json);
                if (truth >= 10) continue;
                asked++;
                if (truth == 0) none++;
                Assert.Null(analyst.One(json));
            }
        }
        Assert.True(none > 0 && asked > none, $"{none} empty of {asked}: both answers must be tried");
    }

    [Fact]
    public void Where_suppression_starts_is_not_an_exact_count()
    {
        // Attack 3 of the review: grow a selection until its count first appears; before, that was exactly 10. A
        // selection a few patients from the last one asked continues its chain, x included (the seventeenth review's
        // edge), so grown a few at a time from an x it never appears.
        var analyst = new Analyst(fixture);
        var (sequences, fromX, escapedByFew) = (new List<(int Prefecture, int Low)>(), 0, new List<string>());
        foreach (var prefecture in s_large)
        {
            for (var low = 20; low < 80; low += 15)
            {
                sequences.Add((prefecture, low));
                var last = -1L;
                for (var high = low; high < low + 40; high++)
                {
                    var json = Patients(In(prefecture, Ages(low, high)));
                    var truth = Truth(json);
                    if (analyst.One(json) is null)
                    {
                        last = truth;
                        continue;
                    }
                    if (last >= 0 && truth - last < 10) escapedByFew.Add($"prefecture {prefecture}, ages {low}–{high}: {last} x, then {truth} shown");
                    break;
                }
                if (last >= 0) fromX++;
            }
        }
        Assert.True(fromX > 20, $"only {fromX} of {sequences.Count} sequences started from an x");
        Assert.True(escapedByFew.Count == 0, string.Join("; ", escapedByFew));
        AssertNoSmallFigure(analyst, allowEmpty: true);

        // Asked with no history (a fresh project for each selection), the first selection shown is spread over the
        // blurred edge, never under the threshold, and not one value.
        var firstTruths = new List<long>();
        var fresh = 0;
        foreach (var (prefecture, low) in sequences)
        {
            for (var high = low; high < low + 40; high++)
            {
                var json = Patients(In(prefecture, Ages(low, high)));
                var alone = new Analyst(fixture, secret: 100 + fresh++);
                if (alone.One(json) is null) continue;
                AssertNoSmallFigure(alone);
                firstTruths.Add(Truth(json));
                break;
            }
        }
        Assert.True(firstTruths.Count >= 5, $"only {firstTruths.Count} sequences reached a release");
        Assert.DoesNotContain(firstTruths, t => t < 10);
        Assert.True(firstTruths.Count(t => t == firstTruths.Min()) < firstTruths.Count * 0.8, string.Join(", ", firstTruths));
        Assert.Contains(firstTruths, t => t > 10);
    }

    [Fact]
    public void A_sum_of_a_column_that_is_one_on_every_row_is_as_noisy_as_a_count()
    {
        // Attack 5 of the review: a sum over a constant column counts rows; its noise must be a count's, not under 1.
        // The target: the procedure lines (with times 1) of one code on one first day, 1 to 9 lines; the pad: three
        // common codes;
        // the sum of times over pad and target, less over the pad alone.
        var analyst = new Analyst(fixture);
        var random = new Random(15);
        const string ones = """{"col": "times", "eq": 1}""";
        var lines = fixture.Dataset.Execute($$"""{"from": "procedures", "where": {{ones}}, "groupBy": ["code", "first_day"], "select": [{"count": "*", "as": "n"}]}""");
        var byCode = Enumerable.Range(0, lines.Length)
            .Select(r => (Code: ((Apache.Arrow.StringArray)lines.Column(0)).GetString(r), Day: Analyst.Value(lines.Column(1), r), Lines: (long)Analyst.Value(lines.Column(2), r)!.Value)).ToArray();
        var targets = byCode.Where(c => c.Day is not null && c.Lines is >= 1 and <= 9).ToArray();
        var common = byCode.GroupBy(c => c.Code).Where(g => g.Sum(c => c.Lines) >= 30).Select(g => g.Key).ToArray();
        string Sum(string where) => $$"""{"from": "procedures", "where": {"and": [{{ones}}, {{where}}]}, "select": [{"sum": "times", "as": "n"}]}""";
        var (trials, hits) = (0, 0);
        foreach (var (code, day, truth) in targets.OrderBy(_ => random.Next()).Take(300))
        {
            var pad = $$"""{"col": "code", "in": [{{string.Join(", ", common.Where(c => c != code).OrderBy(_ => random.Next()).Take(3).Select(c => $"\"{c}\""))}}]}""";
            var target = $$"""{"and": [{"col": "code", "eq": "{{code}}"}, {"col": "first_day", "eq": {{day}}}]}""";
            var (x, y) = (analyst.One(Sum($$"""{"or": [{{pad}}, {{target}}]}""")), analyst.One(Sum(pad)));
            if (x is null || y is null) continue;
            trials++;
            if (Math.Round(x.Value - y.Value) == truth) hits++;
            if (trials == 80) break;
        }
        Assert.True(trials >= 40, $"only {trials} pads reached of {targets.Length} targets");
        Assert.True(hits <= NoiseBound.MostHits(trials, NoiseBound.ExactHit(2)), $"{hits} of {trials} exact");
    }

    [Fact]
    public void No_rule_text_or_refusal_carries_a_hidden_count()
    {
        var analyst = new Analyst(fixture);
        var small = analyst.Ask(Patients(In(13, Ages(100, 110))));
        var large = analyst.Ask(Patients(Ages(0, 110)));
        // The rules differ only in the budget line, whose figures count released cells, not patients.
        Assert.Equal(small.Rules.SkipLast(1), large.Rules.SkipLast(1));
        // The rule for near cells is listed with every release, fired or not: listed only when it fired, it would say
        // which figures came from an earlier cell.
        Assert.Contains(small.Rules, r => r.StartsWith("near cells:", StringComparison.Ordinal));
        var budget = small.Rules[^1];
        Assert.StartsWith("budget:", budget);
    }

    [Fact]
    public void Equal_answers_do_not_tell_whether_one_person_is_among_a_count_s_patients()
    {
        // The second review's attack on consistent noise: a prefecture's count of patients, then the same without the
        // one person there of a known age and sex unless they have E11. The same patients got the same answer, so
        // equal answers meant "that person has E11" (60 right of 60). The second cell lies within one patient of the
        // first, none included, so it is shown the first's figure whichever way the truth lies, but for the rare draw
        // that lands it on another family within reach; padding the
        // difference with others until each has figures of its own leaves three noises to see through, as union
        // arithmetic does.
        var analyst = new Analyst(fixture);
        var alone = Alone();
        var (withE11, unequalWithE11, unequalWithout, padded, hits) = (0, 0, 0, 0, 0);
        foreach (var (prefecture, age, sex) in alone)
        {
            var person = Person(age, sex);
            // Everyone in the prefecture, against everyone but the person unless one of their claims has E11.
            var member = $$"""{"or": [{"not": {{person}}}, {{E11}}]}""";
            var everyone = Patients($$"""{"col": "prefecture", "eq": {{prefecture}}}""");
            var without = Patients(In(prefecture, member));
            var same = Truth(everyone) == Truth(without);
            if (same) withE11++;
            if (analyst.One(everyone) is not { } first || analyst.One(without) != first)
            {
                if (same) unequalWithE11++;
                else unequalWithout++;
            }

            // Padded: leave out the twenty years above the person's age as well, then ask for those years alone.
            var years = Ages(age + 1, age + 20);
            var outer = Patients(In(prefecture, $$"""{"and": [{{member}}, {"not": {{years}}}]}"""));
            var pad = Patients(In(prefecture, $$"""{"and": [{{years}}, {"not": {{person}}}]}"""));
            if (analyst.One(everyone) is not { } a || analyst.One(outer) is not { } b || analyst.One(pad) is not { } c) continue;
            padded++;
            if (a - b - c == Truth(everyone) - Truth(outer) - Truth(pad)) hits++;
        }
        Assert.True(alone.Length >= 40 && withE11 >= 5 && withE11 <= alone.Length - 5, $"{withE11} of {alone.Length} people with E11: both answers must be tried");
        // The same patients always get the same answer.
        Assert.Equal(0, unequalWithE11);
        // One patient apart, the second cell lands on the first almost surely, and on another family within reach only
        // when the landing noise (±5) carries one several patients away past it: then unequal answers say the person
        // is not there. Measured 1 of the 100 targets on the data of 2026-12-07; the bound says the residue stays
        // rare (docs/disclosure-control.md).
        Assert.True(unequalWithout <= alone.Length / 20, $"{unequalWithout} of {alone.Length - withE11} targets without E11 told by unequal answers");
        // Most padded triples are answered by earlier cells too: a person's pad lies near the last one asked in the
        // same prefecture.
        Assert.True(padded >= 10, $"only {padded} padded differences reached");
        Assert.True(hits <= NoiseBound.MostHits(padded, NoiseBound.ExactHit(3)), $"{hits} of {padded} exact");
        AssertNoSmallFigure(analyst);
    }

    private const string E11 = """{"exists": {"from": "diagnoses", "where": {"col": "icd10", "prefix": "E11"}}}""";

    private static string Person(int age, int sex) => $$"""{"and": [{"col": "age", "eq": {{age}}}, {"col": "sex", "eq": {{sex}}}]}""";

    /// <summary>People alone in their prefecture, age and sex among the large prefectures: quasi-identified targets.</summary>
    private (int Prefecture, int Age, int Sex)[] Alone()
    {
        var people = fixture.Dataset.Execute("""{"from": "receipts", "groupBy": ["prefecture", "age", "sex"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""");
        return Enumerable.Range(0, people.Length)
            .Where(r => Analyst.Value(people.Column(3), r) == 1 && s_large.Contains((int)Analyst.Value(people.Column(0), r)!.Value))
            .Select(r => (Prefecture: (int)Analyst.Value(people.Column(0), r)!.Value, Age: (int)Analyst.Value(people.Column(1), r)!.Value, Sex: (int)Analyst.Value(people.Column(2), r)!.Value))
            .Where(p => p.Age is >= 50 and <= 85)
            .Take(100)
            .ToArray();
    }

    [Fact]
    public void A_tiny_cell_near_a_shown_one_neither_appears_nor_defines_a_figure()
    {
        // The fourth review: a cell of the person and E11 (one patient or none) borrowed the figures of a shown
        // cell near it, so its row appeared only when it held somebody, and a figure it asked first (their sum of
        // points) was computed from that one patient. A cell its own rules hide stays hidden. Asked here of a
        // claim over 2,000 points, which about half the targets have, so both answers are tried.
        var analyst = new Analyst(fixture);
        const string costly = """{"col": "total_points", "gt": 2000}""";
        var (rows, figures, withIt, targets) = (0, 0, 0, 0);
        foreach (var (prefecture, age, sex) in Alone())
        {
            // A shown cell near the person's: the narrowest age window around them of 10 to 14 patients.
            var near = Enumerable.Range(0, 6).Select(w => Patients(In(prefecture, Ages(age - w, age + w)))).FirstOrDefault(q => Truth(q) is >= 10 and <= 14);
            if (near is null || analyst.One(near) is null) continue;
            targets++;
            var person = Person(age, sex);
            var both = $$"""{"and": [{{In(prefecture, person)}}, {{costly}}]}""";
            if (Truth(Patients(both)) > 0) withIt++;
            rows += analyst.Ask($$"""{"from": "receipts", "where": {{both}}, "groupBy": ["sex"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""").Batch.Length;
            if (analyst.One($$"""{"from": "receipts", "where": {{both}}, "select": [{"sum": "total_points", "as": "n"}]}""") is not null) figures++;
        }
        Assert.True(targets >= 10 && withIt >= 3 && withIt <= targets - 3, $"{withIt} of {targets} targets with such a claim: both answers must be tried");
        Assert.Equal(0, rows);
        Assert.Equal(0, figures);
    }

    [Fact]
    public void Whether_a_cell_at_the_threshold_is_shown_says_nothing_once_a_neighbour_was_asked()
    {
        // The third review's attack on the suppression edge: B = a pad of 9 and the person only if they have E11,
        // then A = the pad and the person. An x cell was forgotten, so A was decided by its own count: "B x, A shown"
        // happened only when the two differed. Every cell asked is now kept, x included, so A gets B's answer.
        var (pairs, shownB) = (0, 0);
        for (var i = 0; i < 200; i++)
        {
            var ledger = fixture.NewLedger(secret: i);
            var pad = Enumerable.Range(50 * i, 9).ToArray();
            var hasIt = i % 2 == 0;
            long? Count(IEnumerable<int> patients, string name) => CohortDisclosure.Apply(fixture.Dataset,
                CohortDisclosureTests.Set(patients), new DisclosureRequest("attack", ledger, name, DisclosurePolicy.Default)).Count;
            var b = Count(hasIt ? pad.Append(50 * i + 9) : pad, "b");
            var a = Count(pad.Append(50 * i + 9), "a");
            pairs++;
            if (b is not null) shownB++;
            Assert.Equal(b, a);
        }
        Assert.True(shownB > 20, $"only {shownB} of {pairs} first cells shown: the edge was not reached");
    }

    [Fact]
    public void The_same_question_in_two_projects_gets_independent_noise()
    {
        // The third review's attack across projects: each keeps its own shown cells, so with noise per dataset equal
        // answers in two projects said whether two cells hold the same patients. Noise is keyed by project too.
        var one = new Analyst(fixture);
        var other = new Analyst(fixture);
        const string json = """{"from": "receipts", "groupBy": ["prefecture"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""";
        var first = Rows(one.Ask(json));
        var second = Rows(Ask(other, json, "another"));
        var both = first.Keys.Intersect(second.Keys).Where(k => first[k] is not null && second[k] is not null).ToArray();
        Assert.True(both.Length >= 20, $"only {both.Length} prefectures shown in both");
        Assert.True(both.Count(k => first[k] != second[k]) >= both.Length / 2, "answers agree across projects as often as consistent noise would make them");
        Assert.Equal(first, Rows(one.Ask(json)));
    }

    private DisclosedResult Ask(Analyst analyst, string json, string project) => DisclosureControl.Apply(fixture.Dataset,
        QueryParser.Parse(json, fixture.Dataset.Schema), new DisclosureRequest(project, analyst.Ledger, json, DisclosurePolicy.Default));

    private static void AssertNoSmallFigure(Analyst analyst, bool allowEmpty = false)
    {
        if (!allowEmpty) Assert.NotEmpty(analyst.Seen);
        Assert.DoesNotContain(analyst.Seen, v => v is >= 1 and <= 9 && v == Math.Floor(v));
    }
}
