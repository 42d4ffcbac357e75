using Apache.Arrow;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Storage;
using Claims.Testing;

namespace Claims.Engine.Tests.Privacy;

/// <summary>
/// Where patients are not linked (the sampling product), a cell counts claims, or checkups, for the threshold
/// (docs/disclosure-control.md, step 2), and the release has no patients to record. Written row by row: every
/// generated dataset is linked.
/// </summary>
public sealed class ReleaseUnitTests : IDisposable
{
    private readonly TempDirectory _temp = new("claims-unlinked");
    private readonly Dataset _dataset;

    public ReleaseUnitTests()
    {
        // No "patients" parameter: never linked.
        var options = new DatasetWriteOptions
        {
            Access = DatasetAccess.Restricted,
            Provenance = new DatasetProvenance(true, "tests: unlinked", new Dictionary<string, string> { ["seed"] = "1" }),
        };
        using (var writer = DatasetWriter.Create(_temp.Combine("ds"), options))
        {
            // Shinryo 60: one patient's thirty claims, a line each (thirty claims, one patient). Shinryo 21: another
            // patient's one claim of forty lines (one claim, forty rows).
            var lines = Enumerable.Range(0, 30).Select(c => (Claim: (long)c, Patient: 0, Shinryo: (sbyte)60, Points: (int?)25))
                .Concat(Enumerable.Repeat((Claim: 100L, Patient: 1, Shinryo: (sbyte)21, Points: (int?)25), 40))
                .ToArray();
            ProcedureLines.Write(writer, lines);
            writer.Commit();
        }
        _dataset = Dataset.Open(_temp.Combine("ds"));
    }

    private DisclosedResult Apply(string json, ReleaseLedger ledger) =>
        DisclosureControl.Apply(_dataset, QueryParser.Parse(json, _dataset.Schema), new DisclosureRequest("study", ledger, json, DisclosurePolicy.Default, DisclosurePolicy.DefaultBudget));

    [Fact]
    public void Without_linked_patients_a_cell_of_one_patient_s_thirty_claims_is_shown_and_one_claim_of_forty_lines_is_not()
    {
        const string json = """{"from": "procedures", "groupBy": ["shinryo_shikibetsu"], "select": [{"count": "*", "as": "lines"}]}""";
        var ledger = new ReleaseLedger(_temp.Combine("releases"));
        var result = Apply(json, ledger);

        // Thirty claims pass the threshold of 10 whatever their noise (at most 5); one claim never does, however many rows.
        var shinryo = (Int64Array)result.Batch.Column(0);
        Assert.Equal([60L], Enumerable.Range(0, result.Batch.Length).Select(r => shinryo.GetValue(r)!.Value));
        Assert.InRange(((Int64Array)result.Batch.Column(1)).GetValue(0)!.Value, 30 - 5, 30 + 5);
        Assert.Equal("suppression: cells of fewer than 10 claims (none included) are shown as x, and rows with nothing released are left out", result.Rules[0]);
        Assert.Contains(DisclosureRules.Perturbation(DisclosurePolicy.Default, "claims"), result.Rules);
        Assert.Contains(DisclosureRules.Differencing(DisclosurePolicy.Default, "claims"), result.Rules);
        // Claims are no patients: nothing is recorded for extracts to be checked against, but the cells are spent.
        Assert.Empty(ledger.Releases("study"));
        Assert.Equal(1, ledger.Spent("study"));
    }

    [Fact]
    public void Without_linked_patients_checkups_count_checkups_and_a_table_of_neither_is_refused_by_name()
    {
        var ledger = new ReleaseLedger(_temp.Combine("releases"));
        // No checkups were written: the one row of a query without groups is a cell of none, shown as x.
        var checkups = Apply("""{"from": "checkups", "select": [{"count": "*", "as": "n"}]}""", ledger);
        Assert.Equal("suppression: cells of fewer than 10 checkups (none included) are shown as x, and rows with nothing released are left out", checkups.Rules[0]);
        Assert.True(checkups.IsSuppressed(0, "n"));
        var unit = ReleaseUnit.Of(_dataset, _dataset.Schema.Table("checkups"));
        Assert.Equal(("checkup_id", "checkups", false), (unit.Column.Name, unit.Plural, unit.Patients));
        var claims = ReleaseUnit.Of(_dataset, _dataset.Schema.Table("procedures"));
        Assert.Equal(("receipt_id", "claims", false), (claims.Column.Name, claims.Plural, claims.Patients));

        var e = Assert.Throws<DisclosureException>(() => ReleaseUnit.Of(_dataset, _dataset.Schema.Table("population")));
        Assert.Equal("table 'population' has neither patients nor claims to count, so nothing of it can be released from restricted data", e.Message);
    }

    public void Dispose()
    {
        _dataset.Dispose();
        _temp.Dispose();
    }
}
