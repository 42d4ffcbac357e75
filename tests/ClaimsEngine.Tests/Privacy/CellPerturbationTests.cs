using Claims.Engine.Privacy;

namespace Claims.Engine.Tests.Privacy;

/// <summary>
/// Which draw each figure of a cell takes, against the documented keying: the cell's decision by its count key
/// alone, a count of patients as a count figure of its name, any other count as a rows figure of its name, each
/// perturbed by the table's noise up from the true count and never shown under the threshold.
/// </summary>
public class CellPerturbationTests(RestrictedFixture fixture) : IClassFixture<RestrictedFixture>
{
    private const uint CellKey = 0xC0FFEE;

    private static double Uniform(ulong key) => (key >> 11) / (double)(1UL << 53);

    [Fact]
    public void The_decision_draw_is_the_count_key_of_the_cell_and_nothing_else()
    {
        var keys = ((IReleaseLedger)fixture.NewLedger()).KeysFor(fixture.Dataset, "p");
        foreach (var count in new long[] { 1, 10, 123 })
            Assert.Equal(Uniform(keys.FigureKey(CellKey, Figure.Count, count, position: 2)), new CellPerturbation(DisclosurePolicy.Default, keys, CellKey, 2).CountUniform(count));
    }

    [Fact]
    public void Counts_of_patients_and_of_rows_draw_by_their_kind_and_name_up_from_the_truth_and_not_under_the_threshold()
    {
        var keys = ((IReleaseLedger)fixture.NewLedger()).KeysFor(fixture.Dataset, "p");
        var perturbation = new CellPerturbation(DisclosurePolicy.Default, keys, CellKey);
        for (var count = 10L; count < 400; count += 7)
        {
            var patients = Math.Max(10, count + PerturbationTable.Noise(Uniform(keys.FigureKey(CellKey, Figure.Count, count, 0, ShownCell.Patients))));
            var rows = Math.Max(10, count + PerturbationTable.Noise(Uniform(keys.FigureKey(CellKey, Figure.Rows, count, 0, "receipts.count:*"))));
            Assert.Equal(patients, perturbation.ShownCount(count, ShownCell.Patients));
            Assert.Equal(rows, perturbation.ShownCount(count, "receipts.count:*"));
        }
        // The threshold itself is shown (at least as itself), one under it never, whatever the draw.
        Assert.True(perturbation.ShownCount(10, ShownCell.Patients) >= 10);
        Assert.Null(perturbation.ShownCount(9, ShownCell.Patients));
        Assert.Null(perturbation.ShownCount(9, "receipts.count:*"));
        Assert.Null(perturbation.ShownCount(0, ShownCell.Patients));
    }

    [Fact]
    public void A_family_s_landing_noise_is_drawn_from_the_asker_s_draw_and_the_root_over_the_whole_table()
    {
        var noises = Enumerable.Range(0, 4_000).Select(i => CellPerturbation.LandingNoise(i / 4_000.0, 77)).ToArray();
        Assert.Equal(Enumerable.Range(-PerturbationTable.MaxNoise, 2 * PerturbationTable.MaxNoise + 1), noises.Distinct().Order());
        // Two roots drawn for one asker are drawn apart: they differ about as often as two independent noises do (86 % of the time).
        var differ = Enumerable.Range(0, 1_000).Count(i => CellPerturbation.LandingNoise(i / 1_000.0, 1) != CellPerturbation.LandingNoise(i / 1_000.0, 2));
        Assert.InRange(differ, 750, 950);
    }
}
