using System.Collections.Concurrent;
using Apache.Arrow;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Storage;
using Claims.SyntheticGen;
using Claims.Testing;

namespace Claims.Engine.Tests.Privacy;

/// <summary>A small generated restricted dataset (1,500 persons, two months), linked as every generation is.</summary>
public class RestrictedFixture : IDisposable
{
    private readonly TempDirectory _temp = new("claims-privacy");

    public RestrictedFixture() : this(persons: 1_500, from: 202304, months: 2, seed: 5)
    {
    }

    /// <summary>
    /// Each shape's dataset is generated once per test process and opened by every fixture that asks for it: a
    /// year of 4,000 persons took some ten seconds to generate, and nineteen classes ask for it. Each fixture opens
    /// its own <see cref="Claims.Engine.Storage.Dataset"/> and keeps its own ledgers, so no class sees another's
    /// state; nothing writes into a fixture's dataset.
    /// </summary>
    private static readonly ConcurrentDictionary<(int, int, int, ulong, bool), Lazy<string>> s_generated = new();

    private static readonly TempDirectory s_datasets = Shared();

    private static TempDirectory Shared()
    {
        var datasets = new TempDirectory("claims-privacy-datasets");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => datasets.Dispose();
        return datasets;
    }

    /// <param name="publishedPopulation">Whether the manifest says the population came from published figures (as an
    /// import's <c>--population</c> does), so that indicators may divide by it.</param>
    protected RestrictedFixture(int persons, int from, int months, ulong seed, bool publishedPopulation = false)
    {
        var path = s_generated.GetOrAdd((persons, from, months, seed, publishedPopulation), _ => new Lazy<string>(() =>
        {
            var path = s_datasets.Combine($"{persons}-{from}-{months}-{seed}-{publishedPopulation}");
            Generator.Run(new GenerateOptions { Out = path, Persons = persons, From = from, Months = months, Seed = seed, Access = DatasetAccess.Restricted });
            // The cell keys are seeded by the dataset's creation time too: fixed, every run draws the same noise.
            var manifest = Path.Combine(path, DatasetManifest.FileName);
            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifest))!;
            json["createdAt"] = "2026-01-01T00:00:00+00:00";
            if (publishedPopulation) json["provenance"]!["parameters"]!["population"] = "published-population.csv";
            File.WriteAllText(manifest, json.ToJsonString());
            return path;
        })).Value;
        Dataset = Dataset.Open(path);
    }

    public Dataset Dataset { get; }

    /// <summary>
    /// A fresh ledger whose cell key secret is fixed by <paramref name="secret"/>, so that the noise, and every
    /// statistic a test draws from it, is the same on every run.
    /// </summary>
    public ReleaseLedger NewLedger(int secret = 1) => FixedLedgers.New(_temp.Combine("releases"), secret);

    public void Dispose()
    {
        Dataset.Dispose();
        _temp.Dispose();
        GC.SuppressFinalize(this);
    }
}

public class DisclosureControlTests(RestrictedFixture fixture) : IClassFixture<RestrictedFixture>
{
    private static readonly DisclosurePolicy Policy = DisclosurePolicy.Default;

    private DisclosedResult Apply(string json, ReleaseLedger? ledger = null, string project = "study", long budget = DisclosurePolicy.DefaultBudget) =>
        DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(json, fixture.Dataset.Schema), new DisclosureRequest(project, ledger ?? fixture.NewLedger(), json, Policy, budget));

    private static object? Cell(RecordBatch batch, string column, int row) => batch.Column(batch.Schema.GetFieldIndex(column)) switch
    {
        Int64Array a => (object?)a.GetValue(row),
        DoubleArray d => d.GetValue(row),
        var other => throw new InvalidOperationException(other.GetType().Name),
    };

    [Fact]
    public void A_count_of_a_column_s_values_is_its_own_figure_where_many_lack_one_and_the_count_of_rows_where_few_do()
    {
        // Most claims have no admission date: each sex's count of them is a figure of its own, near its truth.
        const string bySex = """{"from": "receipts", "groupBy": ["sex"], "select": [{"count": "*", "as": "n"}, {"count": "admission_date", "as": "a"}]}""";
        var ledger = fixture.NewLedger();
        var result = Apply(bySex, ledger);
        var truth = fixture.Dataset.Execute(bySex);
        var truthByKey = Enumerable.Range(0, truth.Length).ToDictionary(t => (long)Cell(truth, "sex", t)!, t => ((long)Cell(truth, "n", t)!, (long?)Cell(truth, "a", t)));
        var own = 0;
        for (var r = 0; r < result.Batch.Length; r++)
        {
            if (Cell(result.Batch, "a", r) is not long admissions) continue;
            var (rows, admitted) = truthByKey[(long)Cell(result.Batch, "sex", r)!];
            Assert.InRange(admissions - admitted!.Value, -PerturbationTable.MaxNoise, PerturbationTable.MaxNoise);
            if (admitted < rows - PerturbationTable.MaxNoise * 2) own++;
        }
        Assert.True(own == 2, $"{own} of 2 sexes showed a count of admissions apart from their claims");

        // Admitted claims of a few prefectures and one person's claims without a date: the two counts agree, the
        // person's rows without a value being too few patients to show apart.
        var blocks = fixture.Dataset.Execute("""{"from": "receipts", "where": {"col": "admission_date", "isNull": true}, "groupBy": ["prefecture", "sex", "age"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""");
        var alone = Enumerable.Range(0, blocks.Length).First(b => (long)Cell(blocks, "n", b)! == 1);
        var others = string.Join(", ", Enumerable.Range(1, 47).Where(p => p != (long)Cell(blocks, "prefecture", alone)!));
        var json = $$"""
            {"from": "receipts", "where": {"or": [{"and": [{"col": "prefecture", "in": [{{others}}]}, {"col": "admission_date", "isNull": false}]},
                                                  {"and": [{"col": "prefecture", "eq": {{Cell(blocks, "prefecture", alone)}}}, {"col": "sex", "eq": {{Cell(blocks, "sex", alone)}}},
                                                           {"col": "age", "eq": {{Cell(blocks, "age", alone)}}}, {"col": "admission_date", "isNull": true}]}]},
             "select": [{"count": "*", "as": "n"}, {"count": "admission_date", "as": "a"}, {"avg": "total_points", "as": "m"}]}
            """;
        var both = Apply(json, ledger);
        var exact = fixture.Dataset.Execute(json);
        Assert.NotEqual(Cell(exact, "n", 0), Cell(exact, "a", 0));
        Assert.NotNull(Cell(both.Batch, "n", 0));
        Assert.Equal(Cell(both.Batch, "n", 0), Cell(both.Batch, "a", 0));
        Assert.Contains("a count of a column's values (and the count behind its average) where fewer than 10 patients of the group have rows without one is shown as the group's count of rows", both.Rules);
        Assert.DoesNotContain(result.Rules, rule => rule.StartsWith("a count of a column's values", StringComparison.Ordinal));
    }

    [Fact]
    public void Groups_under_ten_patients_are_left_out_and_the_rest_are_the_engine_s_figures_within_the_noise()
    {
        const string query = """
            {"from": "receipts", "groupBy": ["sex", "age_band"],
             "select": [{"count": "*", "as": "claims"}, {"sum": "total_points", "as": "points"}, {"avg": "total_points", "as": "mean"},
                        {"countDistinct": "patient_id", "as": "patients"}]}
            """;
        var result = Apply(query);
        var truth = fixture.Dataset.Execute(query);
        var released = Enumerable.Range(0, result.Batch.Length).ToDictionary(r => (Cell(result.Batch, "sex", r), Cell(result.Batch, "age_band", r)));
        // A sum counts each patient's total only up to the column's cap (their points are all positive), which
        // scales its noise: the cap is a high percentile of patients' totals, so some are clipped and most are not.
        var receipts = fixture.Dataset.Schema.Tables.First(t => t.Name == "receipts");
        var cap = ContributionCap.Of(fixture.Dataset, receipts, receipts.Column("total_points"), ReleaseUnit.Of(fixture.Dataset, receipts));
        var totals = fixture.Dataset.Execute("""{"from": "receipts", "groupBy": ["sex", "age_band", "patient_id"], "select": [{"sum": "total_points", "as": "total"}]}""");
        var patientTotals = Enumerable.Range(0, totals.Length).Select(r => (long)Cell(totals, "total", r)!).ToList();
        Assert.InRange(patientTotals.Count(t => t > cap), 1, patientTotals.Count / 20);
        var clippedByKey = Enumerable.Range(0, totals.Length).GroupBy(r => (Cell(totals, "sex", r), Cell(totals, "age_band", r)))
            .ToDictionary(g => g.Key, g => g.Sum(r => Math.Min((long)Cell(totals, "total", r)!, cap)));
        var (small, hiddenLarge, moved) = (0, 0, 0);
        for (var t = 0; t < truth.Length; t++)
        {
            var key = (Cell(truth, "sex", t), Cell(truth, "age_band", t));
            var patients = (long)Cell(truth, "patients", t)!;
            if (!released.TryGetValue(key, out var r))
            {
                // Left out: under the threshold or perturbed under it, by its own count and key alone (no neighbour
                // is hidden for another: which one would be said whether a small group was there).
                Assert.True(patients < Policy.Threshold + PerturbationTable.MaxNoise, $"{key}: a group of {patients} patients was left out");
                if (patients < Policy.Threshold) small++;
                else hiddenLarge++;
                continue;
            }
            Assert.True(patients >= Policy.Threshold, $"{key}: a group of {patients} patients was shown");
            Assert.DoesNotContain(result.Suppressed, c => c.Row == r);
            // Counts move by at most D and never below the threshold; a clipped sum by a Laplace draw of width 1.4
            // times the cap, past 20 times the cap once in about two million.
            foreach (var column in new[] { "claims", "patients" })
            {
                var shown = (long)Cell(result.Batch, column, r)!;
                Assert.InRange(shown - (long)Cell(truth, column, t)!, -PerturbationTable.MaxNoise, PerturbationTable.MaxNoise);
                Assert.True(shown >= Policy.Threshold);
                if (shown != (long)Cell(truth, column, t)!) moved++;
            }
            Assert.InRange((long)Cell(result.Batch, "points", r)! - clippedByKey[key], -20 * cap - 1, 20 * cap + 1);
        }
        Assert.True(small > 0, "the oldest age bands should be small");
        Assert.True(small + hiddenLarge < truth.Length, $"{small} small and {hiddenLarge} larger groups left out of {truth.Length}");
        Assert.True(moved > 10, $"only {moved} counts were perturbed");
        Assert.Contains("suppression: cells of fewer than 10 patients (none included) are shown as x, and rows with nothing released are left out", result.Rules);
        Assert.DoesNotContain(result.Rules, rule => rule.Contains("complementary", StringComparison.Ordinal));
    }

    [Fact]
    public void A_later_question_of_the_same_cells_gets_their_figures_one_count_of_rows_for_counts_the_schema_makes_equal_and_averages_over_them()
    {
        var ledger = fixture.NewLedger();
        const string by = "\"groupBy\": [\"sex\", \"age_band\"]";
        var first = Apply($$"""{"from": "receipts", {{by}}, "select": [{"count": "*", "as": "claims"}, {"sum": "total_points", "as": "points"}]}""", ledger);
        // A distinct count of the table's key and a count of a column that is never empty count its rows; an average
        // is the sum shown over that count; prefecture is nullable, so its count is another name, taken from the
        // count of rows shown near it.
        var later = Apply($$"""
            {"from": "receipts", {{by}}, "select": [{"countDistinct": "receipt_id", "as": "receipts"}, {"count": "sex", "as": "sexes"},
             {"avg": "total_points", "as": "mean"}, {"count": "prefecture", "as": "with_prefecture"}]}
            """, ledger);
        var truth = fixture.Dataset.Execute($$"""{"from": "receipts", {{by}}, "select": [{"count": "*", "as": "claims"}, {"count": "prefecture", "as": "with_prefecture"}]}""");
        var before = Enumerable.Range(0, first.Batch.Length).ToDictionary(r => (Cell(first.Batch, "sex", r), Cell(first.Batch, "age_band", r)));
        var exact = Enumerable.Range(0, truth.Length).ToDictionary(r => (Cell(truth, "sex", r), Cell(truth, "age_band", r)));
        var compared = 0;
        for (var r = 0; r < later.Batch.Length; r++)
        {
            var key = (Cell(later.Batch, "sex", r), Cell(later.Batch, "age_band", r));
            var b = before[key];
            var claims = (long)Cell(first.Batch, "claims", b)!;
            Assert.Equal(claims, Cell(later.Batch, "receipts", r));
            Assert.Equal(claims, Cell(later.Batch, "sexes", r));
            Assert.Equal((long)Cell(first.Batch, "points", b)! / (double)claims, (double)Cell(later.Batch, "mean", r)!, 9);
            var t = exact[key];
            var withPrefecture = (long)Cell(later.Batch, "with_prefecture", r)!;
            if (Math.Abs((long)Cell(truth, "with_prefecture", t)! - claims) <= Policy.Threshold + PerturbationTable.MaxNoise - 1) Assert.Equal(claims, withPrefecture);
            else Assert.InRange(withPrefecture - (long)Cell(truth, "with_prefecture", t)!, -PerturbationTable.MaxNoise, PerturbationTable.MaxNoise);
            compared++;
        }
        Assert.True(compared > 10, $"only {compared} rows shown");
    }

    [Fact]
    public void A_release_lists_its_rules_and_is_recorded_with_the_patients_of_its_shown_rows_under_the_query_s_table()
    {
        var ledger = fixture.NewLedger();
        var result = Apply("""{"from": "receipts", "groupBy": ["sex", "age_band"], "select": [{"countDistinct": "patient_id", "as": "patients"}]}""", ledger);
        Assert.Equal([
            "suppression: cells of fewer than 10 patients (none included) are shown as x, and rows with nothing released are left out",
            DisclosureRules.Perturbation(Policy, "patients"), DisclosureRules.Differencing(Policy, "patients"),
            $"budget: project 'study' has spent {result.Batch.Length} of its {DisclosurePolicy.DefaultBudget} figures ({DisclosurePolicy.DefaultBudget - result.Batch.Length} left; every cell shown costs one, x included, asked again or not)",
        ], result.Rules);
        var release = ledger.Releases("study").Single();
        Assert.Equal(("query", "receipts query"), (release.Kind, release.Label));
        // The patients of the rows shown, each once (a birthday can put one in two age bands), as the engine finds them.
        var shown = Enumerable.Range(0, result.Batch.Length).Select(r => (Cell(result.Batch, "sex", r), Cell(result.Batch, "age_band", r))).ToHashSet();
        var rows = fixture.Dataset.Execute("""{"from": "receipts", "groupBy": ["patient_id", "sex", "age_band"], "select": [{"count": "*", "as": "n"}]}""");
        var patients = Enumerable.Range(0, rows.Length).Where(r => shown.Contains((Cell(rows, "sex", r), Cell(rows, "age_band", r)))).Select(r => Cell(rows, "patient_id", r)).Distinct().Count();
        Assert.Equal(patients, release.Count);
        var everyone = (long)Cell(fixture.Dataset.Execute("""{"from": "receipts", "select": [{"countDistinct": "patient_id", "as": "n"}]}"""), "n", 0)!;
        Assert.True(release.Count > 0 && release.Count <= everyone, $"{release.Count} of {everyone}");

        // A release showing nothing hands over no patients, so none are recorded for later extracts to be compared with.
        var none = Apply("""{"from": "receipts", "where": {"col": "age", "eq": 200}, "select": [{"countDistinct": "patient_id", "as": "patients"}]}""", ledger);
        Assert.Null(Cell(none.Batch, "patients", 0));
        Assert.Equal(release, ledger.Releases("study").Single());
    }

    [Fact]
    public void An_average_of_a_float_column_is_its_perturbed_sum_of_floats_over_its_values()
    {
        var json = """{"from": "checkups", "groupBy": ["sex"], "select": [{"avg": "hba1c", "as": "hba1c"}, {"sum": "bmi", "as": "bmi"}]}""";
        var result = Apply(json);
        var truth = fixture.Dataset.Execute("""
            {"from": "checkups", "groupBy": ["sex"], "select": [{"avg": "hba1c", "as": "hba1c"}, {"sum": "bmi", "as": "bmi"},
             {"max": "hba1c", "as": "top"}, {"count": "hba1c", "as": "values"}]}
            """);
        Assert.Equal(2, result.Batch.Length);
        for (var r = 0; r < 2; r++)
        {
            var t = Enumerable.Range(0, 2).Single(i => Equals(Cell(truth, "sex", i), Cell(result.Batch, "sex", r)));
            // Sums of floats stay floats (not rounded to whole numbers) and move by a few times the largest value.
            // The sum moves by at most 5.5 top values and the count of values by at most 5.
            var (mean, top, values) = ((double)Cell(truth, "hba1c", t)!, (double)Cell(truth, "top", t)!, (long)Cell(truth, "values", t)!);
            var reach = (5.5 * top + 5 * mean) / (values - 5);
            Assert.InRange((double)Cell(result.Batch, "hba1c", r)!, mean - reach, mean + reach);
            var bmi = (double)Cell(result.Batch, "bmi", r)!;
            Assert.InRange(bmi - (double)Cell(truth, "bmi", t)!, -60 * 5.5, 60 * 5.5);
            Assert.NotEqual(Math.Round(bmi), bmi);
        }
    }

    [Fact]
    public void Counts_first_asked_later_of_kept_cells_are_their_own_in_the_same_table_even_from_a_reopened_ledger_and_x_in_another()
    {
        var ledger = fixture.NewLedger();
        const string by = "\"groupBy\": [\"sex\", \"age_band\"]";
        var first = Apply($$"""{"from": "receipts", {{by}}, "select": [{"countDistinct": "patient_id", "as": "patients"}]}""", ledger);
        // Another process on the same ledger: the cells' true counts come from the file, not from memory.
        var reopened = new ReleaseLedger(ledger.Directory);
        var later = Apply($$"""{"from": "receipts", {{by}}, "select": [{"count": "*", "as": "claims"}, {"count": "prefecture", "as": "with_prefecture"}]}""", reopened);
        var truth = fixture.Dataset.Execute($$"""{"from": "receipts", {{by}}, "select": [{"count": "*", "as": "claims"}, {"count": "prefecture", "as": "with_prefecture"}]}""");
        var exact = Enumerable.Range(0, truth.Length).ToDictionary(r => (Cell(truth, "sex", r), Cell(truth, "age_band", r)));
        var compared = 0;
        for (var r = 0; r < later.Batch.Length; r++)
        {
            if (Cell(later.Batch, "claims", r) is not long claims) continue;
            var t = exact[(Cell(later.Batch, "sex", r), Cell(later.Batch, "age_band", r))];
            Assert.InRange(claims - (long)Cell(truth, "claims", t)!, -PerturbationTable.MaxNoise, PerturbationTable.MaxNoise);
            Assert.NotNull(Cell(later.Batch, "with_prefecture", r));
            compared++;
        }
        Assert.True(compared > 10, $"only {compared} rows shown");
        Assert.DoesNotContain(later.Rules, rule => rule.StartsWith("counts first asked later", StringComparison.Ordinal));

        // The same patients' diagnoses: a cell of them lands on the cell kept for their claims, whose patients it
        // shows, while its count of diagnoses, which that cell was not kept with, is x.
        var (landed, elsewhere) = (0, first);
        foreach (var letter in "ACDEFGHIJKLMN")
        {
            var code = $$"""{"col": "icd10", "prefix": "{{letter}}"}""";
            var claimsOf = Apply($$$"""{"from": "receipts", "where": {"exists": {"from": "diagnoses", "where": {{{code}}}}}, "select": [{"countDistinct": "patient_id", "as": "patients"}]}""", reopened);
            elsewhere = Apply($$"""{"from": "diagnoses", "where": {{code}}, "select": [{"countDistinct": "patient_id", "as": "patients"}, {"count": "*", "as": "diagnoses"}]}""", reopened);
            if (Cell(claimsOf.Batch, "patients", 0) is null) continue;
            Assert.Equal(Cell(claimsOf.Batch, "patients", 0), Cell(elsewhere.Batch, "patients", 0));
            Assert.Null(Cell(elsewhere.Batch, "diagnoses", 0));
            landed++;
        }
        Assert.True(landed > 5, $"only {landed} cells landed on the cells kept before");
        Assert.Contains(elsewhere.Rules, rule => rule.StartsWith("counts first asked later", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("""{"col": "sex", "eq": 2}""")]
    public void An_aggregate_of_a_column_few_patients_of_a_group_have_a_value_of_is_x_in_a_shown_row(string? where)
    {
        // DPC codes sit on inpatient claims only: in most prefectures a handful of patients have one, among many.
        var filter = where is null ? "" : $"\"where\": {where}, ";
        var json = $$"""{"from": "receipts", {{filter}}"groupBy": ["prefecture"], "select": [{"count": "*", "as": "claims"}, {"count": "dpc_code", "as": "dpc"}]}""";
        var result = Apply(json);
        // The truth: patients with a DPC code per prefecture, counted without disclosure control.
        var and = where is null ? "" : $"{where}, ";
        var behind = fixture.Dataset.Execute(QueryParser.Parse(
            $$"""{"from": "receipts", "where": {"and": [{{and}}{"col": "dpc_code", "isNull": false}]}, "groupBy": ["prefecture"], "select": [{"countDistinct": "patient_id", "as": "p"}]}""",
            fixture.Dataset.Schema));
        var patients = Enumerable.Range(0, behind.Length).ToDictionary(r => ((Int64Array)behind.Column(0)).GetValue(r)!.Value, r => ((Int64Array)behind.Column(1)).GetValue(r)!.Value);
        var prefectures = (Int64Array)result.Batch.Column(0);
        var thinRows = 0;
        for (var r = 0; r < result.Batch.Length; r++)
        {
            if (result.IsSuppressed(r, "claims")) continue;
            var those = patients.GetValueOrDefault(prefectures.GetValue(r)!.Value);
            if (those >= Policy.Threshold + PerturbationTable.MaxNoise) continue;
            // Under the threshold the figure would describe those few: x, whatever the group's size.
            if (those < Policy.Threshold)
            {
                Assert.True(result.IsSuppressed(r, "dpc"), $"prefecture {prefectures.GetValue(r)}: {those} patients with a DPC code, shown");
                thinRows++;
            }
        }
        Assert.True(thinRows > 0, "no shown row had fewer than ten patients with a DPC code: the test saw nothing thin");
        Assert.Contains(result.Rules, rule => rule.StartsWith("an aggregate of a column that fewer than 10 patients of its group have a value of", StringComparison.Ordinal));
    }

    [Fact]
    public void Queries_a_few_patients_apart_are_both_released_perturbed_and_recorded_for_extracts()
    {
        // Perturbation, not refusal, answers differencing of aggregates: a refusal would itself say "1 to 9 apart".
        var ledger = fixture.NewLedger();
        const string a = """{"from": "receipts", "where": {"col": "age", "lt": 60}, "select": [{"countDistinct": "patient_id", "as": "patients"}]}""";
        const string b = """{"from": "receipts", "where": {"col": "age", "lt": 61}, "select": [{"countDistinct": "patient_id", "as": "patients"}]}""";
        var first = Apply(a, ledger);
        var second = Apply(b, ledger);
        Assert.Empty(first.Suppressed);
        Assert.Empty(second.Suppressed);
        Assert.Equal(2, ledger.Releases("study").Count);
        Assert.DoesNotContain(first.Rules.Concat(second.Rules), r => r.Contains("60", StringComparison.Ordinal) || r.Contains("61", StringComparison.Ordinal));
    }

    [Fact]
    public void A_count_without_group_by_of_none_or_a_few_patients_is_suppressed_alike()
    {
        foreach (var where in new[] { """{"col": "age", "gt": 150}""", """{"and": [{"col": "age", "ge": 100}, {"col": "prefecture", "eq": 13}]}""" })
        {
            var json = $$"""{"from": "receipts", "where": {{where}}, "select": [{"count": "*", "as": "claims"}, {"sum": "total_points", "as": "points"}]}""";
            var truth = (long)Cell(fixture.Dataset.Execute(json), "claims", 0)!;
            Assert.InRange(truth, 0, 9);
            var result = Apply(json);
            Assert.True(result.Batch.Column(0).IsNull(0) && result.Batch.Column(1).IsNull(0), $"{truth} claims");
            Assert.Equal([new SuppressedCell(0, "claims"), new SuppressedCell(0, "points")], result.Suppressed);
        }
    }

    [Fact]
    public void Filters_on_identifying_columns_are_refused()
    {
        foreach (var (where, column) in new[]
                 {
                     ("""{"col": "patient_id", "eq": 17}""", "patient_id"),
                     ("""{"not": {"col": "receipt_id", "lt": 5}}""", "receipt_id"),
                     ("""{"or": [{"col": "sex", "eq": 1}, {"col": "birth_ym", "eq": 195001}]}""", "birth_ym"),
                     ("""{"exists": {"from": "diagnoses", "where": {"col": "patient_id", "eq": 1}}}""", "patient_id"),
                 })
        {
            var e = Assert.Throws<QueryException>(() => Apply($$"""{"from": "receipts", "where": {{where}}, "select": [{"count": "*", "as": "n"}]}"""));
            Assert.Contains($"'{column}' identifies patients, records or facilities: restricted data is not filtered by it", e.Message);
        }
    }

    [Fact]
    public void A_restricted_dataset_without_linked_patients_is_protected_by_claim_counts()
    {
        using var temp = new TempDirectory();
        Engine.Sampling.SamplingProduct.Write(fixture.Dataset, temp.Combine("sample"), new Engine.Sampling.SampleOptions { Seed = 1, Months = [4] });
        using var sample = Dataset.Open(temp.Combine("sample"));
        Assert.Equal(DatasetAccess.Restricted, sample.Manifest.Access);
        const string json = """{"from": "receipts", "groupBy": ["claim_kind", "sex"], "select": [{"count": "*", "as": "claims"}]}""";
        var exact = sample.Execute(json);
        var result = DisclosureControl.Apply(sample, QueryParser.Parse(json, sample.Schema), new DisclosureRequest("study", fixture.NewLedger(), json, Policy));
        Assert.Contains("suppression: cells of fewer than 10 claims (none included) are shown as x, and rows with nothing released are left out", result.Rules);
        var claims = (Int64Array)exact.Column(exact.Schema.GetFieldIndex("claims"));
        Assert.Contains(Enumerable.Range(0, exact.Length), r => claims.GetValue(r) < 10);
        for (var r = 0; r < result.Batch.Length; r++)
        {
            var value = Cell(result.Batch, "claims", r);
            Assert.True(value is null ? result.IsSuppressed(r, "claims") : (long)value >= 10, $"row {r}: {value}");
        }
    }
}
