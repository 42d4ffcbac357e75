using Claims.Engine.Privacy;

namespace Claims.Engine.Tests.Privacy;

/// <summary>The perturbation table and a sum's noise, against the documented distribution worked out here on its own.</summary>
public class NoiseTests
{
    // The documented table: a Gaussian of spread 2 at −5..5, normalised.
    private static readonly double[] s_weights = [.. Enumerable.Range(-5, 11).Select(s => Math.Exp(-s * s / 8.0))];

    private static double Probability(int noise) => s_weights[noise + 5] / s_weights.Sum();

    private static double Below(int noise) => Enumerable.Range(-5, noise + 5).Sum(Probability);

    [Fact]
    public void The_table_is_the_cut_gaussian_of_spread_two_with_variance_3_81()
    {
        Assert.Equal(Enumerable.Range(-5, 11), PerturbationTable.Distribution.Select(p => p.Noise));
        Assert.All(PerturbationTable.Distribution, p => Assert.Equal(Probability(p.Noise), p.Probability, 12));
        var variance = Enumerable.Range(-5, 11).Sum(s => s * s * Probability(s));
        Assert.Equal(variance, PerturbationTable.Variance, 12);
        Assert.Equal(3.81, PerturbationTable.Variance, 2);
        // A sum's Laplace draw of width 1.4 has standard deviation √2 × 1.4.
        Assert.Equal(1.98, MagnitudeNoise.Spread, 2);
    }

    [Theory]
    [InlineData(-5)]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(5)]
    public void A_draw_takes_the_noise_whose_share_of_the_unit_interval_it_falls_in(int noise)
    {
        // A draw exactly at the top of the noises below belongs to this noise, and one just under it to the one below.
        Assert.Equal(noise, PerturbationTable.Noise(Below(noise)));
        Assert.Equal(noise, PerturbationTable.Noise(Below(noise + 1) - 1e-9));
        if (noise > -5) Assert.Equal(noise - 1, PerturbationTable.Noise(Below(noise) - 1e-9));
    }

    [Fact]
    public void A_count_is_shown_with_its_noise_only_where_it_and_its_perturbed_value_reach_the_threshold()
    {
        var table = new PerturbationTable(threshold: 10);
        double At(int noise) => Below(noise) + Probability(noise) / 2;
        Assert.Null(table.Perturb(9, At(5)));
        Assert.Equal(10, table.Perturb(10, At(0)));
        Assert.Equal(15, table.Perturb(12, At(3)));
        // Down to the threshold exactly is shown; one below it is not.
        Assert.Equal(10, table.Perturb(12, At(-2)));
        Assert.Null(table.Perturb(12, At(-3)));
    }

    [Fact]
    public void With_a_margin_a_count_is_shown_only_where_its_perturbed_value_reaches_the_threshold_plus_the_margin()
    {
        var table = new PerturbationTable(threshold: 10, margin: 5);
        double At(int noise) => Below(noise) + Probability(noise) / 2;
        Assert.Null(table.Perturb(9, At(5)));
        Assert.Equal(15, table.Perturb(10, At(5)));
        Assert.Null(table.Perturb(10, At(4)));
        Assert.Equal(15, table.Perturb(17, At(-2)));
        Assert.Null(table.Perturb(17, At(-3)));
        // The chance a true count is shown grows by at most a fifth per patient, from about 1 % at the threshold.
        double Shown(int count) => Enumerable.Range(-5, 11).Where(n => table.Perturb(count, At(n)) is not null).Sum(Probability);
        Assert.InRange(Shown(10), 0.005, 0.02);
        Assert.All(Enumerable.Range(10, 15), n => Assert.InRange(Shown(n + 1) - Shown(n), 0, 0.21));
        Assert.Equal(1, Shown(20), 12);
        Assert.Equal(15, new DisclosurePolicy(10, 5).Shown);
        Assert.Equal("the disclosure margin must be from 0 to 5 (got 6)", Assert.Throws<DisclosureException>(() => new DisclosurePolicy(10, 6)).Message);
        Assert.Equal("the disclosure margin must be from 0 to 5 (got -1)", Assert.Throws<DisclosureException>(() => new DisclosurePolicy(10, -1)).Message);
    }

    [Theory]
    // A draw a quarter above the middle: the Laplace quantile b ln 2 above the sum, b = 1.4 times the scale.
    [InlineData(3UL << 51, 1000.0, 20.0, 1000.0 + 20 * 1.4 * 0.69314718055994530942)]
    // A quarter below it: as far below.
    [InlineData(1UL << 51, 100.0, 3.0, 100.0 - 3 * 1.4 * 0.69314718055994530942)]
    // A scale under one unit is one unit: a sum of zeros moves like any other.
    [InlineData(3UL << 51, 0.0, 0.25, 1.4 * 0.69314718055994530942)]
    [InlineData(1UL << 51, 0.0, 0.0, -1.4 * 0.69314718055994530942)]
    public void A_sum_moves_by_a_laplace_draw_from_its_key_sized_by_its_scale(ulong quarter, double sum, double scale, double expected) =>
        Assert.Equal(expected, MagnitudeNoise.Perturb(sum, scale, quarter << 11), 9);

    [Fact]
    public void A_sum_s_noise_has_mean_zero_the_documented_spread_and_reaches_past_any_bound()
    {
        var random = new Random(7);
        var draws = Enumerable.Range(0, 200_000).Select(_ => MagnitudeNoise.Perturb(0, 10, (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63))).ToArray();
        Assert.InRange(draws.Average(), -0.1, 0.1);
        Assert.InRange(Math.Sqrt(draws.Average(d => d * d)), 10 * MagnitudeNoise.Spread * 0.98, 10 * MagnitudeNoise.Spread * 1.02);
        // Not cut: a noise bounded at a few times the scale let a sum past the bound prove a larger value was there.
        Assert.Contains(draws, d => d > 10 * 10);
        Assert.Contains(draws, d => d < -10 * 10);
        Assert.DoesNotContain(draws, d => d == 0);
    }
}
