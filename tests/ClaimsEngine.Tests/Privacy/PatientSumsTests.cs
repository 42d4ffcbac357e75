using Claims.Engine.Cohorts;
using Claims.Engine.Privacy;
using Claims.SyntheticGen;
using Claims.Testing;

namespace Claims.Engine.Tests.Privacy;

/// <summary>
/// Sums over patient sets released for other parts (a model's errors and observed quantities): each patient's amount
/// clipped to the scale, a Laplace draw of the scale's size keyed by the patients, the name and the true sum, nothing
/// where the set's count is suppressed, and every set and sum a unit of the budget.
/// </summary>
public class PatientSumsTests(RestrictedFixture fixture) : IClassFixture<RestrictedFixture>
{
    private const int Threshold = 5;
    private static readonly DisclosurePolicy Policy = new(Threshold);

    private static PatientSet Patients(int from, int to) => PatientRange.Of(from, to);

    [Fact]
    public void Sums_clip_each_patient_to_the_scale_move_by_noise_of_its_size_and_vanish_with_their_set()
    {
        var request = new DisclosureRequest("p", fixture.NewLedger(), "", Policy);
        const double scale = 100;
        // Sixty disjoint sets of 50 patients, each patient adding 10, and one heavy patient in each adding a million.
        var sets = Enumerable.Range(0, 60).Select(i => Patients(i * 60, i * 60 + 50)).ToArray();
        var light = Enumerable.Repeat(10.0, 49).ToArray();
        var sums = sets.Select((_, i) => new PatientSum(i, "amount", () => light.Append(1_000_000), scale)).ToList();
        var released = PatientSums.Release(fixture.Dataset, request, "test", "sums", [.. sets.Select(s => (Func<PatientSet>)(() => s)), () => Patients(5_000, 5_003)],
            [.. sums, new PatientSum(sets.Length, "amount", () => [1, 2, 3], scale)]);

        // The heavy patient counts as the scale: 49 × 10 + 100, and the noise (Laplace of width 1.4 × 100) averages out
        // over sixty draws; unclipped the mean would be a million more.
        var shown = released.Sums.Take(sets.Length).Select(s => s!.Value).ToArray();
        Assert.InRange(shown.Average(), 590 - 60, 590 + 60);
        Assert.All(shown, s => Assert.InRange(s, 590 - 40 * scale, 590 + 40 * scale));
        // A Laplace of width 140 has a standard deviation of about 198: the draws spread as that, not as nothing.
        var spread = Math.Sqrt(shown.Select(s => (s - 590) * (s - 590)).Average());
        Assert.InRange(spread, 100, 400);
        // A set of three is suppressed, and so is its sum.
        Assert.Null(released.Counts[^1]);
        Assert.Null(released.Sums[^1]);
        Assert.Contains(PatientSums.Rule, released.Rules);
        Assert.Contains("suppression: counts of fewer than 5 patients (none included) are shown as x; each count is perturbed on its own patients", released.Rules);
        // A sum is not rounded to whole numbers: its noise is a real number, and so are its means.
        Assert.Contains(shown, s => s != Math.Round(s));
        Assert.Equal(2 * sets.Length + 2, request.Ledger.Spent("p"));

        // The same sum of the same patients gets the same answer; another name or another true sum draws afresh.
        var again = PatientSums.Release(fixture.Dataset, request, "test", "again", [() => sets[0]],
            [new PatientSum(0, "amount", () => light.Append(1_000_000), scale), new PatientSum(0, "other", () => light.Append(1_000_000), scale),
             new PatientSum(0, "amount", () => light.Append(50), scale)]);
        Assert.Equal(released.Sums[0], again.Sums[0]);
        Assert.NotEqual(again.Sums[0], again.Sums[1]);
        Assert.NotEqual(again.Sums[0] - 50, again.Sums[2]);

        Assert.StartsWith("sum 'amount' is over set 1 of 1",
            Assert.Throws<ArgumentOutOfRangeException>(() => PatientSums.Release(fixture.Dataset, request, "test", "bad", [() => sets[0]], [new PatientSum(1, "amount", () => [], scale)])).Message);
        Assert.StartsWith("sum 'amount' has scale 0: a scale is a positive number",
            Assert.Throws<ArgumentOutOfRangeException>(() => PatientSums.Release(fixture.Dataset, request, "test", "bad", [() => sets[0]], [new PatientSum(0, "amount", () => [], 0)])).Message);
    }

    [Fact]
    public void One_sum_released_at_two_scales_draws_twice_so_the_draws_do_not_cancel()
    {
        // Attack review 57: with one draw L for both, r = S − 1.4·c·L at caps c₁ and c₂ gave S = (c₂·r₁ − c₁·r₂)/(c₂ − c₁)
        // exactly. Sixty sets of members each under both caps, released at each.
        var request = new DisclosureRequest("p", fixture.NewLedger(), "", Policy);
        var (low, high) = (374_383.0, 630_556.0);
        var sets = Enumerable.Range(0, 60).Select(i => Patients(10_000 + i * 60, 10_000 + i * 60 + 50)).ToArray();
        var values = sets.Select((_, i) => Enumerable.Range(0, 50).Select(m => 1_000.0 * ((i * 7 + m) % 90)).ToArray()).ToArray();
        var sums = sets.SelectMany((_, i) => new[] { new PatientSum(i, "observed", () => values[i], low), new PatientSum(i, "observed", () => values[i], high) }).ToArray();
        var released = PatientSums.Release(fixture.Dataset, request, "test", "two caps", sets.Select(s => (Func<PatientSet>)(() => s)).ToArray(), sums);
        var errors = sets.Select((_, i) =>
        {
            var (r1, r2) = (released.Sums[2 * i]!.Value, released.Sums[2 * i + 1]!.Value);
            return (high * r1 - low * r2) / (high - low) - values[i].Sum();
        }).ToArray();
        // Independent draws leave the estimate as noisy as a release: its error spreads by hundreds of thousands, where
        // a shared draw left it within rounding of nothing.
        Assert.True(errors.Count(e => Math.Abs(e) > 10_000) > 40, string.Join(", ", errors.Select(e => e.ToString("F0", System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Fact]
    public void A_public_dataset_gets_exact_sums_and_the_cap_is_the_99th_percentile_of_patients_totals()
    {
        using var temp = new TempDirectory("claims-sums");
        Generator.Run(new GenerateOptions { Out = temp.Combine("ds"), Persons = 200, From = 202304, Months = 3, Seed = 7 });
        using var open = Engine.Storage.Dataset.Open(temp.Combine("ds"));
        var exact = PatientSums.Release(open, new DisclosureRequest("", fixture.NewLedger(), "", Policy), "test", "open", [() => Patients(0, 3)],
            [new PatientSum(0, "amount", () => [1, 2, 1_000_000], 10)]);
        Assert.Equal([3L], exact.Counts);
        Assert.Equal([1_000_003.0], exact.Sums);
        Assert.Empty(exact.Rules);

        // Every patient of a small table is sampled: the cap is their totals' 99th percentile over the last months asked
        // for, read here by hand.
        double Hand(int from, int to)
        {
            var totals = new Dictionary<long, double>();
            foreach (var partition in open.Table("receipts").Partitions.Where(p => p.Key >= from && p.Key <= to))
            {
                var (patients, points) = (partition.Column("patient_id"), partition.Column("total_points"));
                var ids = patients.Values<int>();
                var values = points.Values<int>();
                for (var row = 0; row < partition.RowCount; row++)
                    if (!patients.IsNull(row)) totals[ids[row]] = totals.GetValueOrDefault(ids[row]) + values[row];
            }
            var sorted = totals.Values.Select(Math.Abs).Order().ToArray();
            var percentile = Math.Max(1, sorted[(int)Math.Floor(0.99 * sorted.Length)]);
            // Up to two significant figures: 374,383 is 380,000, 1,234 is 1,300, 57 is 57.
            var digits = ((long)percentile).ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
            var step = digits <= 2 ? 1 : Math.Pow(10, digits - 2);
            return Math.Ceiling(percentile / step) * step;
        }
        Assert.Equal(Hand(202305, 202306), PatientSums.Cap(open, "receipts", "total_points", months: 2));
        Assert.Equal(Hand(202304, 202306), PatientSums.Cap(open, "receipts", "total_points", months: 12));
        Assert.NotEqual(Hand(202305, 202306), Hand(202304, 202306));
        // A period shows no month outside itself, however many months the cap asks for.
        var period = open.Period(new Engine.Storage.MonthRange(202304, 202305));
        Assert.Equal(Hand(202305, 202305), PatientSums.Cap(period, "receipts", "total_points", months: 1));
        Assert.Equal(Hand(202304, 202305), PatientSums.Cap(period, "receipts", "total_points", months: 12));
    }
}
