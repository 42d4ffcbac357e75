using Claims.Engine.Privacy;

namespace Claims.Engine.Tests.Privacy;

public class SuppressionPropertyTests
{
    private static readonly DisclosurePolicy Policy = DisclosurePolicy.Default;

    /// <summary>A rows × columns table (rows = 1: a one-way table) of patient counts, two in five of them small, with its margins.</summary>
    private static (long[] Values, List<int[]> Lines) RandomTable(Random random, int rows, int columns, int maxLarge = 40)
    {
        var values = Enumerable.Range(0, rows * columns)
            .Select(_ => (long)(random.NextDouble() < 0.4 ? random.Next(1, 10) : random.Next(10, maxLarge))).ToArray();
        var lines = new List<int[]> { Enumerable.Range(0, values.Length).ToArray() };
        if (rows > 1)
        {
            for (var r = 0; r < rows; r++) lines.Add(Enumerable.Range(0, columns).Select(c => r * columns + c).ToArray());
            for (var c = 0; c < columns; c++) lines.Add(Enumerable.Range(0, rows).Select(r => r * columns + c).ToArray());
        }
        return (values, lines);
    }

    private static void AssertProtected(long[] values, List<int[]> lines, int seed)
    {
        var outcome = new SuppressionTable(values, lines).Suppress(Policy);
        var suppressed = outcome.Cells.Select(s => s != CellSuppression.None).ToArray();
        for (var c = 0; c < values.Length; c++)
            if (Policy.IsSmall(values[c])) Assert.Equal(CellSuppression.Primary, outcome.Cells[c]);
        Assert.False(outcome.Withheld, $"seed {seed}: a full table is always protectable");
        var determined = BruteForceAudit.Determined(values, suppressed, BruteForceAudit.PublicLines(values, lines, Policy.Threshold));
        Assert.True(!determined.Any(d => d), $"seed {seed}: cells {string.Join(", ", determined.Select((d, i) => (d, i)).Where(p => p.d).Select(p => p.i))} of [{string.Join(", ", values)}] are determined");
    }

    [Fact]
    public void One_way_tables_with_a_grand_total_leave_every_suppressed_cell_an_interval()
    {
        for (var seed = 0; seed < 1000; seed++)
        {
            var random = new Random(seed);
            var (values, lines) = RandomTable(random, 1, random.Next(1, 9));
            AssertProtected(values, lines, seed);
        }
    }

    [Fact]
    public void Two_way_tables_with_row_column_and_grand_totals_leave_every_suppressed_cell_an_interval()
    {
        for (var seed = 0; seed < 1000; seed++)
        {
            var random = new Random(seed);
            var (values, lines) = RandomTable(random, random.Next(2, 6), random.Next(2, 6));
            AssertProtected(values, lines, seed);
        }
    }

    [Fact]
    public void The_audit_agrees_with_brute_force_on_random_suppression_patterns()
    {
        var determinedSeen = 0;
        for (var seed = 0; seed < 400; seed++)
        {
            var random = new Random(seed);
            var (values, lines) = RandomTable(random, random.Next(1, 4), random.Next(2, 4), maxLarge: 16);
            var suppressed = values.Select(_ => random.Next(3) == 0).ToArray();
            var publicLines = BruteForceAudit.PublicLines(values, lines, Policy.Threshold);
            var expected = BruteForceAudit.Determined(values, suppressed, publicLines);
            var actual = SuppressionAudit.Determined(publicLines, suppressed);
            Assert.Equal(Enumerable.Range(0, values.Length).Where(c => expected[c]), actual);
            determinedSeen += actual.Count;
        }
        Assert.True(determinedSeen > 50, "the patterns must include determined cells for the comparison to mean something");
    }

    [Fact]
    public void Three_way_tables_pass_the_audit_along_every_key_and_the_independent_brute_force_audit()
    {
        var suppressedSeen = 0;
        for (var seed = 0; seed < 40; seed++)
        {
            var random = new Random(seed);
            // Small enough for the brute-force search: its verdict does not lean on SuppressionAudit's algebra.
            var shape = new[] { 2, random.Next(2, 4), random.Next(2, 3) };
            var keys = (from a in Enumerable.Range(0, shape[0]) from b in Enumerable.Range(0, shape[1]) from c in Enumerable.Range(0, shape[2]) select new object?[] { a, b, c }).ToList();
            var values = keys.Select(_ => (long)(random.NextDouble() < 0.4 ? random.Next(1, 10) : random.Next(10, 25))).ToArray();
            var lines = MarginLines.Of(keys, 3).ToList();
            Assert.Equal(1 + shape[1] * shape[2] + shape[0] * shape[2] + shape[0] * shape[1], lines.Count);
            var outcome = new SuppressionTable(values, lines).Suppress(Policy);
            Assert.False(outcome.Withheld);
            var table = new SuppressionTable(values, lines);
            var hidden = outcome.Cells.Select(s => s != CellSuppression.None).ToArray();
            Assert.Empty(SuppressionAudit.Determined(table.PublicLines(Policy), hidden));
            Assert.DoesNotContain(true, BruteForceAudit.Determined(values, hidden, BruteForceAudit.PublicLines(values, lines, Policy.Threshold)));
            suppressedSeen += hidden.Count(h => h);
        }
        Assert.True(suppressedSeen > 40, $"only {suppressedSeen} suppressed cells: the audit proves little");
    }

    [Fact]
    public void A_lone_small_cell_is_suppressed_and_its_partner_hides_it_while_zeros_and_large_tables_are_left_alone()
    {
        var outcome = new SuppressionTable([3, 40, 25], [[0, 1, 2]]).Suppress(Policy);
        Assert.Equal([CellSuppression.Primary, CellSuppression.None, CellSuppression.Complementary], outcome.Cells);

        outcome = new SuppressionTable([0, 40, 25], [[0, 1, 2]]).Suppress(Policy);
        Assert.All(outcome.Cells, s => Assert.Equal(CellSuppression.None, s));

        // Two small cells alone sum to 7: subtraction would give "7 patients", so a third cell joins them.
        outcome = new SuppressionTable([3, 4, 25, 30], [[0, 1, 2, 3]]).Suppress(Policy);
        Assert.Equal([CellSuppression.Primary, CellSuppression.Primary, CellSuppression.Complementary, CellSuppression.None], outcome.Cells);
    }

    [Fact]
    public void A_table_whose_margins_alone_pin_a_small_cell_is_withheld()
    {
        // Cells a=10, b=3 (row 1), c=20 (row 2) over two columns (a, c) and (b): the row 1, column 1 and grand
        // totals give b = total − column 1 whatever is suppressed.
        var outcome = new SuppressionTable([10, 3, 20], [[0, 1, 2], [0, 1], [2], [0, 2], [1]]).Suppress(Policy);
        Assert.True(outcome.Withheld);
        Assert.All(outcome.Cells, s => Assert.NotEqual(CellSuppression.None, s));
    }

    [Fact]
    public void Where_margins_are_perturbed_a_cell_they_alone_pin_is_hidden_alone_and_the_table_stays()
    {
        // Outcome × main diagnosis (a review's restricted query): outcome 3 occurs only as a main diagnosis, 7
        // patients, so the grand total less the outcome 1 and 2 rows gives it whatever else is hidden. Hiding its
        // neighbours protects nothing; with perturbed margins its protection is their noise, as for the margins
        // asked on their own.
        long[] counts = [2308, 1428, 1047, 217, 7];
        int[][] lines = [[0, 1, 2, 3, 4], [0, 1], [2, 3], [4], [0, 2], [1, 3, 4]];
        var released = new SuppressionTable(counts, lines).Suppress(Policy, withhold: false);
        Assert.False(released.Withheld);
        Assert.Equal([CellSuppression.None, CellSuppression.None, CellSuppression.None, CellSuppression.None, CellSuppression.Primary], released.Cells);
        // Where margins are exact (withheld tables), the same table is still withheld whole.
        Assert.True(new SuppressionTable(counts, lines).Suppress(Policy).Withheld);

        // A small cell the margins do not pin still takes a partner in its line.
        released = new SuppressionTable([2308, 1428, 1047, 4, 30], [[0, 1, 2, 3, 4], [0, 1], [2, 3], [4], [0, 2], [1, 3, 4]]).Suppress(Policy, withhold: false);
        Assert.Equal(CellSuppression.Primary, released.Cells[3]);
        Assert.Contains(CellSuppression.Complementary, released.Cells);
        Assert.Empty(SuppressionAudit.Determined(new SuppressionTable([2308, 1428, 1047, 4, 30], [[0, 1, 2, 3, 4], [0, 1], [2, 3], [4], [0, 2], [1, 3, 4]]).PublicLines(Policy),
            released.Cells.Select(c => c != CellSuppression.None).ToArray()));
    }
}
