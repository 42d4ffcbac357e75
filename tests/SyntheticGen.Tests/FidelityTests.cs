using Claims.SyntheticGen.Fidelity;

namespace Claims.SyntheticGen.Tests;

[Collection(GeneratedDatasetCollection.Name)]
public class FidelityTests(GeneratedDataset data)
{
    [Fact]
    public void Every_fidelity_metric_is_within_tolerance()
    {
        var rows = FidelityReport.Compute(data.Directory);
        Assert.True(rows.Count >= 30, $"only {rows.Count} metrics");
        var failing = rows.Where(r => !r.Pass).Select(r => $"{r.Metric}: target {r.Target}, synthetic {r.Value}, tolerance {r.Tolerance}").ToArray();
        Assert.True(failing.Length == 0, "outside tolerance:\n" + string.Join("\n", failing));
    }

    [Fact]
    public void The_dataset_says_it_is_synthetic_everywhere()
    {
        using var dataset = Engine.Storage.Dataset.Open(data.Directory);
        Assert.True(dataset.Manifest.Provenance.Synthetic);
        Assert.Equal("50000", dataset.Manifest.Provenance.Parameters["persons"]);
        Assert.Equal(0, data.Scalar("SELECT count(*) FROM receipts WHERE facility_id < 900000000"));
        // The generator links its output: every row of every table has a patient, its receipt's for a line.
        foreach (var table in new[] { "receipts", "diagnoses", "procedures", "drugs", "devices", "dpc", "checkups" })
            Assert.Equal(0, data.Scalar($"SELECT count(*) FROM {table} WHERE patient_id IS NULL"));
        Assert.Equal(0, data.Scalar("SELECT count(*) FROM drugs d JOIN receipts r USING (receipt_id) WHERE d.patient_id <> r.patient_id"));
    }
}
