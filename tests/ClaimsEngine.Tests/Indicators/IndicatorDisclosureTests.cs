using Claims.Engine.Indicators;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Tests.Privacy.Attacks;

namespace Claims.Engine.Tests.Indicators;

/// <summary>
/// The indicators on restricted data, released through disclosure control under one project's ledger: no figure
/// rests on fewer than ten patients, every hidden one is marked, and the attack a dashboard's filters invite (the
/// same view without a few patients, subtracted) learns nothing.
/// </summary>
public sealed class IndicatorDisclosureTests(CheckupYearFixture fixture) : IClassFixture<CheckupYearFixture>
{
    private IndicatorTable Build(string id, IndicatorFilter filter, ReleaseLedger ledger, string project = "dashboards-policymaker") =>
        IndicatorBuilder.Build(fixture.Dataset, IndicatorCatalog.Of(fixture.Dataset.Schema)[id], filter, text =>
            DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(text, fixture.Dataset.Schema),
                new DisclosureRequest(project, ledger, text, DisclosurePolicy.Default, Budget: 1_000_000)));

    /// <summary>Exact patients by prefecture (and a second key), for checking what was released against.</summary>
    private Dictionary<(long, long), long> Exact(string from, string where, string second = "")
    {
        var groupBy = second.Length == 0 ? "\"prefecture\"" : $"\"prefecture\", \"{second}\"";
        var filter = where.Length == 0 ? "" : $"\"where\": {where},";
        var batch = fixture.Dataset.Execute($$"""{"from": "{{from}}", {{filter}} "groupBy": [{{groupBy}}], "select": [{"countDistinct": "patient_id", "as": "n"}]}""");
        return Enumerable.Range(0, batch.Length).ToDictionary(
            r => ((long)ArrowValues.Value(batch.Column(0), r)!, second.Length == 0 ? 0 : (long)ArrowValues.Value(batch.Column(1), r)!),
            r => (long)ArrowValues.Value(batch.Column(batch.ColumnCount - 1), r)!);
    }

    // Spending in one quarter at 70-79, where many prefectures hold few patients; checkups over the year.
    [Theory]
    [InlineData("spending_per_capita", "receipts", "{\"and\": [{\"col\": \"service_month\", \"le\": 202303}, {\"col\": \"age\", \"between\": [70, 79]}]}", "")]
    [InlineData("checkup_participation", "checkups", "{\"col\": \"age\", \"between\": [40, 74]}", "")]
    [InlineData("guidance_levels", "checkups", "{\"col\": \"age\", \"between\": [40, 74]}", "guidance_level")]
    public void No_released_figure_rests_on_fewer_than_ten_patients_and_every_hidden_one_is_marked(string id, string from, string where, string breakdown)
    {
        var filter = id == "spending_per_capita" ? new IndicatorFilter(To: 202303, AgeBands: [70, 75]) : IndicatorFilter.None;
        var table = Build(id, filter, fixture.NewLedger());
        var exact = Exact(from, where, breakdown);
        var rows = table.Rows.Where(r => r.Prefecture is not null).ToList();
        Assert.Contains(rows, r => r.Suppressed);
        Assert.Contains(rows, r => !r.Suppressed);
        foreach (var row in rows)
        {
            var truth = exact.GetValueOrDefault((row.Prefecture!.Value, row.Category ?? 0));
            if (row.Suppressed)
            {
                Assert.Null(row.Value);
                Assert.Null(row.Numerator);
                Assert.Null(row.Patients);
                Assert.Null(row.Adjusted);
                continue;
            }
            Assert.True(truth >= 10, $"{id} prefecture {row.Prefecture} category {row.Category}: shown on {truth} patients");
            Assert.True(row.Patients is >= 10, $"{id}: {row.Patients} patients released");
            Assert.InRange(row.Patients!.Value, truth - 5, truth + 5);
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
        foreach (var band in Enumerable.Range(0, 20).Select(b => b * 5))
        {
            var few = whole.Rows.Where(r => r is { Prefecture: not null, Suppressed: false })
                .Where(r => Enumerable.Range(band, 5).Sum(a => bands.GetValueOrDefault((r.Prefecture!.Value, a))) is >= 1 and <= 9).ToList();
            if (few.Count == 0) continue;
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

    [Fact]
    public void Without_the_ledger_the_same_attack_would_work_so_the_test_above_can_fail()
    {
        // Two projects, two ledgers: each view is decided apart, and the figures differ by the few patients' points.
        var whole = Build("spending_per_capita", IndicatorFilter.None, fixture.NewLedger(), "first");
        var bands = Exact("receipts", "", "age");
        var band = 85;
        var few = whole.Rows.Where(r => r is { Prefecture: not null, Suppressed: false })
            .Where(r => Enumerable.Range(band, 5).Sum(a => bands.GetValueOrDefault((r.Prefecture!.Value, a))) is >= 1 and <= 9).ToList();
        var without = Build("spending_per_capita", new IndicatorFilter(AgeBands: [.. Enumerable.Range(0, 24).Select(b => b * 5).Where(b => b != band)]), fixture.NewLedger(2), "second");
        Assert.Contains(few, target => Assert.Single(without.Rows, r => r.Prefecture == target.Prefecture) is { Suppressed: false } after && after.Numerator != target.Numerator);
    }
}
