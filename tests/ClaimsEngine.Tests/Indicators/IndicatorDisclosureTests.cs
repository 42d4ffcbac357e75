using System.Text.Json.Nodes;
using Claims.Engine.Indicators;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Tests.Privacy;
using Claims.Engine.Tests.Privacy.Attacks;

namespace Claims.Engine.Tests.Indicators;

/// <summary>
/// The indicators on restricted data, released through disclosure control under one project's ledger: no figure
/// rests on fewer than ten patients, every hidden one is marked, and the attack a dashboard's filters invite (the
/// same view without a few patients, subtracted) learns nothing.
/// </summary>
public sealed class IndicatorDisclosureTests(PublishedPopulationFixture fixture, CheckupYearFixture roster)
    : IClassFixture<PublishedPopulationFixture>, IClassFixture<CheckupYearFixture>
{
    private IndicatorTable Build(string id, IndicatorFilter filter, ReleaseLedger ledger, string project = "dashboards-policymaker", RestrictedFixture? data = null)
    {
        var dataset = (data ?? fixture).Dataset;
        return IndicatorBuilder.Build(dataset, IndicatorCatalog.Of(dataset.Schema)[id], filter, text =>
            DisclosureControl.Apply(dataset, QueryParser.Parse(text, dataset.Schema),
                new DisclosureRequest(project, ledger, text, DisclosurePolicy.Default, Budget: 1_000_000)));
    }

    /// <summary>Exact patients by prefecture (a line's receipt's) and a second key, for checking what was released against.</summary>
    private Dictionary<(long, long), long> Exact(string from, string where, string second = "")
    {
        var schema = fixture.Dataset.Schema;
        var prefecture = IndicatorQueries.Column(schema, schema.Table(from), "prefecture");
        var groupBy = second.Length == 0 ? $"\"{prefecture}\"" : $"\"{prefecture}\", \"{second}\"";
        var filter = where.Length == 0 ? "" : $"\"where\": {DrugCodeSets.Expand(JsonNode.Parse(where), schema)!.ToJsonString()},";
        var batch = fixture.Dataset.Execute($$"""{"from": "{{from}}", {{filter}} "groupBy": [{{groupBy}}], "select": [{"countDistinct": "patient_id", "as": "n"}]}""");
        return Enumerable.Range(0, batch.Length).ToDictionary(
            r => ((long)ArrowValues.Value(batch.Column(0), r)!, second.Length == 0 ? 0 : (long)ArrowValues.Value(batch.Column(1), r)!),
            r => (long)ArrowValues.Value(batch.Column(batch.ColumnCount - 1), r)!);
    }

    // Spending and the generic share in one quarter at 70-79, where many prefectures hold few patients; checkups over the year.
    [Theory]
    [InlineData("spending_per_capita", "receipts", "{\"and\": [{\"col\": \"service_month\", \"le\": 202303}, {\"col\": \"age\", \"between\": [70, 79]}]}", "")]
    [InlineData("checkup_participation", "checkups", "{\"col\": \"age\", \"between\": [40, 74]}", "")]
    [InlineData("guidance_levels", "checkups", "{\"col\": \"age\", \"between\": [40, 74]}", "guidance_level")]
    [InlineData("generic_share", "drugs",
        "{\"and\": [{\"col\": \"code\", \"codeSet\": \"generic\"}, {\"col\": \"service_month\", \"le\": 202303}, {\"parent\": {\"where\": {\"col\": \"age\", \"between\": [70, 79]}}}]}", "")]
    [InlineData("polypharmacy", "drugs",
        "{\"and\": [{\"col\": \"shinryo_shikibetsu\", \"eq\": 21}, {\"parent\": {\"where\": {\"and\": [{\"col\": \"age\", \"ge\": 65}, {\"col\": \"claim_kind\", \"in\": [2, 4]}]}}}, " +
        "{\"patientMonth\": {\"where\": {\"and\": [{\"col\": \"shinryo_shikibetsu\", \"eq\": 21}, {\"parent\": {\"where\": {\"col\": \"claim_kind\", \"in\": [2, 4]}}}]}, \"distinct\": \"yj_ingredient\", \"atLeast\": 6}}]}",
        "service_month")]
    [InlineData("spending_by_icd10_chapter", "diagnoses",
        "{\"and\": [{\"parent\": {\"where\": {\"col\": \"claim_kind\", \"in\": [1, 3]}}}, {\"firstOfReceipt\": {\"where\": {\"col\": \"is_main\", \"eq\": true}}}]}",
        "icd10_chapter")]
    public void No_released_figure_rests_on_fewer_than_ten_patients_and_every_hidden_one_is_marked(string id, string from, string where, string breakdown)
    {
        var filter = id is "spending_per_capita" or "generic_share" ? new IndicatorFilter(To: 202303, AgeBands: [70, 75]) : IndicatorFilter.None;
        var table = Build(id, filter, fixture.NewLedger());
        var exact = Exact(from, where, breakdown);
        var rows = table.Rows.Where(r => r.Prefecture is not null).ToList();
        Assert.Contains(rows, r => r.Suppressed);
        Assert.Contains(rows, r => !r.Suppressed);
        foreach (var row in rows)
        {
            var truth = exact.GetValueOrDefault((row.Prefecture!.Value, row.Categories.FirstOrDefault()));
            if (row.Suppressed)
            {
                Assert.Null(row.Value);
                Assert.Null(row.Numerator);
                Assert.Null(row.Patients);
                Assert.Null(row.Adjusted);
                continue;
            }
            Assert.True(truth >= 10, $"{id} prefecture {row.Prefecture} category {string.Join(",", row.Categories)}: shown on {truth} patients");
            Assert.True(row.Patients is >= 10, $"{id}: {row.Patients} patients released");
            // Its own noise, or the figure of a cell asked before that is near it (CellHistory: up to threshold +
            // MaxNoise − 1 patients apart), with that cell's noise.
            const int apart = 10 + PerturbationTable.MaxNoise - 1 + PerturbationTable.MaxNoise;
            Assert.InRange(row.Patients!.Value, truth - apart, truth + apart);
        }
        Assert.NotEmpty(table.Rules);
    }

    [Fact]
    public void A_standardised_figure_is_given_only_where_every_stratum_was_released()
    {
        var table = Build("spending_per_capita", IndicatorFilter.None, fixture.NewLedger());
        var adjusted = table.Rows.Where(r => r.Prefecture is not null && r.Adjusted is not null).ToList();
        Assert.NotEmpty(adjusted);
        Assert.Contains(table.Rows, r => r is { Prefecture: not null, Suppressed: false, Adjusted: null });
        int[] groups = [0, 15, 45, 65, 75, 151];
        for (var g = 0; g < 5; g++)
        {
            var strata = Exact("receipts", $$"""{"col": "age", "between": [{{groups[g]}}, {{groups[g + 1] - 1}}]}""", "sex");
            foreach (var row in adjusted)
            foreach (var sex in new long[] { 1, 2 })
                Assert.True(strata.GetValueOrDefault((row.Prefecture!.Value, sex)) >= 10,
                    $"prefecture {row.Prefecture} sex {sex} ages {groups[g]}+ has {strata.GetValueOrDefault((row.Prefecture!.Value, sex))} patients, yet its figure went into a standardised one");
        }
    }

    /// <summary>
    /// The differencing attack: a view, then the same view without one 5-year band, so that a prefecture's figure
    /// loses only the 1-9 patients of that band there; subtracted, the two would give those few patients' points.
    /// Under one project's ledger the second figure is the first one's (near cells), so the difference is 0.
    /// </summary>
    [Fact]
    public void The_same_view_without_a_few_patients_subtracted_from_it_gives_nothing_away()
    {
        var ledger = fixture.NewLedger();
        var whole = Build("spending_per_capita", IndicatorFilter.None, ledger);
        var bands = Exact("receipts", "", "age");
        var attacked = 0;
        // The bands that leave the most shown prefectures a few patients short first: each is a whole rebuild, and
        // a score of targets is enough.
        var targets = Enumerable.Range(0, 20).Select(b => b * 5).Select(band => (band, few: whole.Rows.Where(r => r is { Prefecture: not null, Suppressed: false })
                .Where(r => Enumerable.Range(band, 5).Sum(a => bands.GetValueOrDefault((r.Prefecture!.Value, a))) is >= 1 and <= 9).ToList()))
            .OrderByDescending(t => t.few.Count);
        foreach (var (band, few) in targets.TakeWhile(_ => attacked < 20))
        {
            if (few.Count == 0) break;
            var without = Build("spending_per_capita", new IndicatorFilter(AgeBands: [.. Enumerable.Range(0, 24).Select(b => b * 5).Where(b => b != band)]), ledger);
            foreach (var target in few)
            {
                var after = Assert.Single(without.Rows, r => r.Prefecture == target.Prefecture);
                Assert.True(after.Suppressed || (after.Numerator == target.Numerator && after.Patients == target.Patients),
                    $"prefecture {target.Prefecture} without ages {band}-{band + 4}: {target.Numerator} then {after.Numerator} points, {target.Patients} then {after.Patients} patients");
                attacked++;
            }
        }
        Assert.True(attacked >= 10, $"only {attacked} prefectures lost a few patients with a band");
    }

    /// <summary>
    /// The review's first attack: on a generated restricted dataset the population table is the roster, so its
    /// person-months by month, sex and band, shown as denominators, gave deaths exactly (50 of 52 prefecture-sex-months)
    /// and one known person's death month (8 of 8). Such a population is never divided by nor shown.
    /// </summary>
    [Theory]
    [InlineData("spending_per_capita")]
    [InlineData("checkup_participation")]
    public void A_restricted_roster_is_never_shown_as_a_denominator(string id)
    {
        var ledger = roster.NewLedger();
        foreach (var month in new[] { 202301, 202304, 202307 })
        {
            var table = Build(id, new IndicatorFilter(From: month, To: month + 2, Sex: 1), ledger, data: roster);
            Assert.Equal(IndicatorBuilder.PopulationWithheld, table.Withheld);
            Assert.Contains(IndicatorBuilder.PopulationWithheld, table.Rules);
            Assert.All(table.Rows, r => Assert.True(r is { Value: null, Denominator: null, Adjusted: null, Index: null }, r.ToString()));
            Assert.Contains(table.Rows, r => r.Numerator is not null);
        }
        // Published figures are divided by, as on public data.
        Assert.Contains(Build(id, IndicatorFilter.None, fixture.NewLedger()).Rows, r => r.Denominator is not null && r.Value is not null);
    }

    /// <summary>
    /// The review's second attack: with the nation row a union of the prefectures asked, 300 random halves solved
    /// together gave 58 of 62 hidden counts exactly. A prefecture filter now only picks rows: every view under a
    /// filter shows the very cells of the unfiltered view, so the halves hold nothing the whole did not.
    /// </summary>
    [Fact]
    public void A_prefecture_filter_only_picks_rows_so_random_halves_add_no_cell()
    {
        var ledger = fixture.NewLedger();
        var whole = Build("checkup_participation", new IndicatorFilter(Sex: 1), ledger).Rows.ToDictionary(r => r.Prefecture ?? 0);
        var random = new Random(3);
        for (var view = 0; view < 20; view++)
        {
            int[] half = [.. Enumerable.Range(1, 47).Where(_ => random.Next(2) == 1)];
            var rows = Build("checkup_participation", new IndicatorFilter(Prefectures: half, Sex: 1), ledger).Rows;
            Assert.Equal([0, .. half], rows.Select(r => r.Prefecture ?? 0));
            Assert.All(rows, r => Assert.Equal(whole[r.Prefecture ?? 0], r with { }));
        }
    }

    /// <summary>
    /// Why the attack above gets nothing: on restricted data a list of bands adds up the released cells of its bands,
    /// and a sum with a band hidden in a prefecture (its 1–9 patients) is hidden there, not shown short of it; so
    /// two lists never differ by a hidden band's patients, under one ledger or two.
    /// </summary>
    [Fact]
    public void A_list_of_bands_with_a_band_hidden_in_a_prefecture_is_hidden_there_under_any_ledger()
    {
        var bands = Exact("receipts", "", "age");
        int Few(int prefecture, int band) => (int)Enumerable.Range(band, 5).Sum(a => bands.GetValueOrDefault((prefecture, a)));
        var listed = Build("spending_per_capita", new IndicatorFilter(AgeBands: [80, 85, 90]), fixture.NewLedger(2), "second");
        var targets = listed.Rows.Where(r => r.Prefecture is { } p && Few(p, 85) is >= 1 and <= 9).ToList();
        Assert.True(targets.Count >= 3, $"only {targets.Count} prefectures hold 1-9 patients aged 85-89");
        Assert.All(targets, r => Assert.True(r.Suppressed, $"prefecture {r.Prefecture}: a sum over a hidden band shown as {r.Patients} patients"));
        // Where every band is shown, so is the sum: the nation's.
        Assert.False(Assert.Single(listed.Rows, r => r.Prefecture is null).Suppressed);
    }
}
