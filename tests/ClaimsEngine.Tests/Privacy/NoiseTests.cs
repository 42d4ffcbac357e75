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
        Assert.Equal(Math.Sqrt(variance + 1.0 / 12), MagnitudeNoise.Spread, 12);
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

    [Theory]
    // Low half 0: the first noise, −5; high half three quarters: a jitter of +0.25.
    [InlineData(0xC0000000_00000000UL, 1000.0, -20.0, 905.0)]
    // Low half all ones: the last noise, +5; high half 0: a jitter of −0.5.
    [InlineData(0x00000000_FFFFFFFFUL, 100.0, 3.0, 113.5)]
    // Low half one half: the middle noise, 0; high half a quarter: a jitter of −0.25.
    [InlineData(0x40000000_80000000UL, 10.0, 2.0, 9.5)]
    // A sum of zeros, or of values under one unit, moves by one unit times the draw: never exactly itself.
    [InlineData(0xC0000000_00000000UL, 0.0, 0.0, -4.75)]
    [InlineData(0x00000000_FFFFFFFFUL, 0.5, 0.25, 5.0)]
    public void A_sum_moves_by_its_top_contributor_or_one_unit_times_the_table_s_noise_and_a_jitter_both_from_its_key(ulong key, double sum, double top, double expected) =>
        Assert.Equal(expected, MagnitudeNoise.Perturb(sum, top, key), 9);
}
