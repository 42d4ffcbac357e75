using Claims.Engine.Indicators;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Tests.Privacy;
using Xunit.Abstractions;

namespace Claims.Engine.Tests.Indicators;

/// <summary>One month of 20,000 restricted persons (its roster unpublished, as the sandbox's generated dataset).</summary>
public sealed class OneMonthFixture() : RestrictedFixture(persons: 20_000, from: 202304, months: 1, seed: 35);

/// <summary>
/// Attack review 35: a policymaker asks spending_per_capita for one month under random sets of the 5-year bands and
/// solves them together, least squares per prefecture, rounded, against the truth of every prefecture × band cell of
/// 1–9 patients (each hidden in a direct view). With each set a predicate, each prefecture's released patients were
/// its bands' sum plus a fresh draw, and 209 views pinned 71 % of those cells exactly. Now a list filter adds up the
/// released cells of the values chosen (IndicatorBuilder's ListUnion): every view is arithmetic on the same releases,
/// which are kept by their text as the service keeps them, so the attacker gets as many views as he likes and
/// learns what one release by band showed, no more.
/// </summary>
public sealed class BandUnionAttackTests(OneMonthFixture fixture, ITestOutputHelper output) : IClassFixture<OneMonthFixture>
{
    private const int Month = 202304;
    // The oldest bands hold nobody in most prefectures, and a sum over one is hidden: the attacker keeps to 0–99.
    private static readonly int[] Bands = [.. Enumerable.Range(0, 20).Select(b => b * 5)];

    [Theory]
    [InlineData(5, 0.5)]
    public void Random_band_sets_solved_together_pin_no_more_hidden_prefecture_band_counts_than_a_guess(int margin, double p)
    {
        var dataset = fixture.Dataset;
        var ledger = fixture.NewLedger(11);
        var policy = new DisclosurePolicy(margin: margin);
        var indicator = IndicatorCatalog.Of(dataset.Schema)["spending_per_capita"];
        long spent = 0;
        var releases = new Dictionary<string, DisclosedResult>();
        IndicatorTable View(IndicatorFilter filter) => IndicatorBuilder.Build(dataset, indicator, filter, text =>
        {
            if (releases.TryGetValue(text, out var again)) return again;
            var r = releases[text] = DisclosureControl.Apply(dataset, QueryParser.Parse(text, dataset.Schema),
                new DisclosureRequest("dashboards-policymaker", ledger, text, policy, DisclosurePolicy.DefaultBudget));
            spent += r.Batch.Length * 2;
            return r;
        });

        // The truth, for scoring only.
        var truthBatch = dataset.Execute($$"""{"from": "receipts", "where": {"col": "service_month", "eq": {{Month}}}, "groupBy": ["prefecture", "age_band"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""");
        var truth = new Dictionary<(int, int), long>();
        for (var r = 0; r < truthBatch.Length; r++)
            if (ArrowValues.Value(truthBatch.Column(0), r) is long pref && ArrowValues.Value(truthBatch.Column(1), r) is long band)
                truth[((int)pref, (int)Math.Min(band, 110))] = truth.GetValueOrDefault(((int)pref, (int)Math.Min(band, 110))) + (long)ArrowValues.Value(truthBatch.Column(2), r)!;

        // A direct view by band hides the small cells: check with one band's view.
        var random = new Random(35);
        var equations = new Dictionary<int, List<(bool[] In, double Y)>>();
        var views = 0;
        var refused = "";
        while (true)
        {
            var chosen = Bands.Select(_ => random.NextDouble() < p).ToArray();
            if (chosen.All(c => !c)) continue;
            IndicatorTable table;
            try
            {
                table = View(new IndicatorFilter(From: Month, To: Month, AgeBands: [.. Bands.Where((_, i) => chosen[i])]));
            }
            catch (DisclosureException e)
            {
                refused = e.Message;
                break;
            }
            views++;
            foreach (var row in table.Rows)
                if (row is { Prefecture: { } pref, Suppressed: false, Patients: { } n })
                    (equations.TryGetValue(pref, out var list) ? list : equations[pref] = []).Add((chosen, n));
            if (views >= 400) break;
        }
        output.WriteLine($"{views} views, about {spent} figures; stopped by: {refused}");

        int targets = 0, exact = 0, within1 = 0, outliers = 0, equationsUsed = 0, baseline = 0;
        double residualSq = 0;
        var nationBand = Bands.ToDictionary(b => b, b => truth.Where(t => t.Key.Item2 == b).Sum(t => (double)t.Value));
        var nationTotal = nationBand.Values.Sum();
        var wrong = new List<string>();
        // Every prefecture is scored, those the views told nothing of too (estimated 0).
        foreach (var pref in Enumerable.Range(1, 47)) equations.TryAdd(pref, []);
        foreach (var (pref, rows) in equations)
        {
            var estimate = Solve(rows, Bands.Length);
            // Robust refit: equations far off the fit are borrowed figures (near cells), dropped.
            double Residual((bool[] In, double Y) e, double[] x) => e.Y - Enumerable.Range(0, Bands.Length).Where(i => e.In[i]).Sum(i => x[i]);
            var kept = rows.Where(e => Math.Abs(Residual(e, estimate)) <= 5.5).ToList();
            outliers += rows.Count - kept.Count;
            equationsUsed += kept.Count;
            estimate = Solve(kept, Bands.Length);
            residualSq += kept.Sum(e => Residual(e, estimate) * Residual(e, estimate));
            // Baseline: the prefecture's own total split by the nation's band shares (what an attacker knows without the design).
            var prefTotal = Bands.Sum(b => truth.GetValueOrDefault((pref, b)));
            for (var b = 0; b < Bands.Length; b++)
            {
                var t = truth.GetValueOrDefault((pref, Bands[b]));
                if (t is < 1 or > 9) continue;
                targets++;
                var guess = Math.Max(0, Math.Round(estimate[b]));
                if (guess == t) exact++;
                else wrong.Add($"pref {pref} band {Bands[b]}: truth {t}, estimate {estimate[b]:F2}");
                if (Math.Abs(guess - t) <= 1) within1++;
                if (Math.Max(1, Math.Round(prefTotal * nationBand[Bands[b]] / nationTotal)) == t) baseline++;
            }
        }
        foreach (var w in wrong.Take(15)) output.WriteLine(w);
        output.WriteLine($"equations used {equationsUsed}, dropped as outliers {outliers}, residual sd {Math.Sqrt(residualSq / Math.Max(1, equationsUsed - equations.Count * Bands.Length)):F2}; baseline guess (prefecture total x national band share, at least 1) exact for {baseline}");
        output.WriteLine($"hidden prefecture x band cells of 1-9 patients: {targets}; pinned exactly: {exact} ({100.0 * exact / Math.Max(1, targets):F1} %); within one: {within1}");
        Assert.True(views >= 400, $"{views} views: kept releases should cost nothing again ({refused})");
        Assert.True(equations.Values.Sum(e => e.Count) >= 300, "the views should have shown many sums");
        Assert.True(targets >= 200, $"{targets} hidden cells: the fixture should hold many small prefecture × band cells");
        // Worse than guessing from the prefecture's total and the nation's band shares, which needs no views at all.
        Assert.True(exact < baseline, $"{exact} of {targets} hidden counts of 1-9 pinned exactly from {views} views ({spent} figures); the baseline guess gets {baseline}");
    }

    /// <summary>Ordinary least squares over 0/1 rows (normal equations, Gaussian elimination with a tiny ridge).</summary>
    private static double[] Solve(List<(bool[] In, double Y)> rows, int k)
    {
        var a = new double[k, k + 1];
        foreach (var (x, y) in rows)
            for (var i = 0; i < k; i++)
            {
                if (!x[i]) continue;
                for (var j = 0; j < k; j++) if (x[j]) a[i, j] += 1;
                a[i, k] += y;
            }
        for (var i = 0; i < k; i++) a[i, i] += 1e-6;
        for (var c = 0; c < k; c++)
        {
            var pivot = Enumerable.Range(c, k - c).MaxBy(r => Math.Abs(a[r, c]));
            for (var j = 0; j <= k; j++) (a[c, j], a[pivot, j]) = (a[pivot, j], a[c, j]);
            for (var r = 0; r < k; r++)
            {
                if (r == c || a[r, c] == 0) continue;
                var f = a[r, c] / a[c, c];
                for (var j = c; j <= k; j++) a[r, j] -= f * a[c, j];
            }
        }
        return [.. Enumerable.Range(0, k).Select(i => a[i, k] / a[i, i])];
    }
}
