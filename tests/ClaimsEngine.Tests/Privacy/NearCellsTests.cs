using Claims.Engine.Privacy;

namespace Claims.Engine.Tests.Privacy;

/// <summary>The differencing rule for shown cells (<see cref="CellHistory"/>), through the ledger that keeps them.</summary>
public class NearCellsTests(RestrictedFixture fixture) : IClassFixture<RestrictedFixture>
{
    private static readonly DisclosurePolicy Policy = DisclosurePolicy.Default;

    private static IEnumerable<int> Range(int from, int count) => Enumerable.Range(from, count);

    /// <summary>One release showing these cells (patients, question), in order; whether each was admitted.</summary>
    private bool[] Show(ReleaseLedger ledger, params (IEnumerable<int> Patients, string Question)[] cells)
    {
        var keys = ledger.KeysFor(fixture.Dataset);
        return ledger.Release<bool[]>(new DisclosureRequest("p", ledger, "", Policy), keys, "query", "q", history =>
        {
            var admitted = cells.Select(cell =>
            {
                var sketch = new CellSketch();
                var patients = cell.Patients.ToArray();
                foreach (var patient in patients) sketch.Add(keys.Record(patient));
                return history.Admit(new ShownCell(patients.Length, ShownCell.QuestionOf(cell.Question, ""), sketch));
            }).ToArray();
            return (admitted, null, cells.Length);
        }).Result;
    }

    private string Cells(ReleaseLedger ledger) => Path.Combine(ledger.Directory, "p", ShownCells.FileName);

    [Fact]
    public void The_same_question_again_is_shown_and_the_same_patients_asked_otherwise_are_not()
    {
        var ledger = fixture.NewLedger();
        Assert.Equal([true], Show(ledger, (Range(0, 200), """{"a": 1}""")));
        Assert.Equal([true], Show(ledger, (Range(0, 200), """{"a": 1}""")));
        // Layout is not a new question; another question over the very same patients is.
        Assert.Equal([true], Show(ledger, (Range(0, 200), """{ "a" :  1 }""")));
        Assert.Equal([false], Show(ledger, (Range(0, 200), """{"a": 2}""")));
        // A repeat is not kept twice.
        Assert.Equal(ShownCell.Bytes, new FileInfo(Cells(ledger)).Length);
    }

    [Fact]
    public void Cells_a_few_patients_apart_are_withheld_either_way_and_far_ones_shown()
    {
        for (var k = 1; k < Policy.Threshold; k++)
        {
            var ledger = fixture.NewLedger();
            Assert.Equal([true], Show(ledger, (Range(100, 300), "a")));
            Assert.Equal([false, false], Show(ledger, (Range(100, 300 + k), "plus"), (Range(100 + k, 300 - k), "minus")));
            // As many in as out: the size alone says nothing, the records between them do.
            if (2 * k < Policy.Threshold) Assert.Equal([false], Show(ledger, (Range(100 + k, 300), "shifted")));
        }
        for (var k = Policy.Threshold + PerturbationTable.MaxNoise; k < 40; k++)
        {
            var ledger = fixture.NewLedger();
            Assert.Equal([true, true], Show(ledger, (Range(100, 300), "a"), (Range(100, 300 + k), "plus")));
        }
        // Between, the records between the two decide by their key, as a count at the threshold's edge is shown or not.
        var outcomes = Range(0, 60).Select(i =>
        {
            var ledger = fixture.NewLedger();
            return Show(ledger, (Range(100, 300), "a"), (Range(100, 300 + Policy.Threshold + i % PerturbationTable.MaxNoise).Append(1_000 + i), "edge"))[1];
        }).ToArray();
        Assert.Contains(true, outcomes);
        Assert.Contains(false, outcomes);
    }

    [Fact]
    public void Of_two_near_cells_in_one_release_only_the_first_is_shown()
    {
        var ledger = fixture.NewLedger();
        Assert.Equal([true, false, true], Show(ledger, (Range(0, 100), "x"), (Range(0, 103), "y"), (Range(500, 100), "z")));
        // The withheld one was not kept: a cell near it but far from the others is shown.
        Assert.Equal([true], Show(ledger, (Range(0, 130), "w")));
    }

    [Fact]
    public void Shown_cells_outlast_the_process_and_a_record_torn_by_a_crash()
    {
        var ledger = fixture.NewLedger();
        Assert.Equal([true], Show(ledger, (Range(0, 200), "a")));
        var secret = File.ReadAllBytes(Path.Combine(ledger.Directory, "cell-key.secret"));
        File.AppendAllText(Cells(ledger), "half a record");

        var restarted = new ReleaseLedger(ledger.Directory);
        Assert.Equal([false, true], Show(restarted, (Range(0, 200), "b"), (Range(1_000, 200), "c")));
        Assert.Equal(2 * ShownCell.Bytes, new FileInfo(Cells(ledger)).Length);
        // The first ledger, still running, reads what the second appended.
        Assert.Equal([false], Show(ledger, (Range(1_000, 201), "d")));
        Assert.Equal(secret, File.ReadAllBytes(Path.Combine(ledger.Directory, "cell-key.secret")));
    }

    [Fact]
    public void A_release_refused_by_the_budget_keeps_none_of_its_cells()
    {
        var ledger = fixture.NewLedger();
        var keys = ledger.KeysFor(fixture.Dataset);
        Assert.Throws<DisclosureBudgetException>(() => ledger.Release<int>(new DisclosureRequest("p", ledger, "", Policy, Budget: 1), keys, "query", "q", history =>
        {
            var sketch = new CellSketch();
            foreach (var patient in Range(0, 50)) sketch.Add(keys.Record(patient));
            Assert.True(history.Admit(new ShownCell(50, ShownCell.QuestionOf("a", ""), sketch)));
            return (0, null, 2);
        }));
        Assert.False(File.Exists(Cells(ledger)));
        Assert.Equal([true], Show(ledger, (Range(0, 50), "b")));
    }
}
