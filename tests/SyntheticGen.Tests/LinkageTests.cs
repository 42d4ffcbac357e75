using Claims.Engine.Linkage;
using Claims.Engine.Storage;

namespace Claims.SyntheticGen.Tests;

/// <summary>The generator links its output (combined method); measured here against the truth, and checked with DuckDB.</summary>
[Collection(GeneratedDatasetCollection.Name)]
public class LinkageTests(GeneratedDataset data)
{
    private static readonly string[] s_lineTables = ["diagnoses", "procedures", "drugs", "devices", "dpc"];

    [Fact]
    public void Combined_linkage_finds_the_true_persons_and_beats_each_hash_alone_on_recall()
    {
        using var dataset = Dataset.Open(data.Directory);
        var report = LinkageReport.Measure(dataset).ToDictionary(r => r.Method);
        Assert.Equal(["id1", "id2", "id1+id2", "combined"], report.Keys);
        var combined = report["combined"];
        Assert.True(combined.Precision >= 0.99, $"combined precision {combined.Precision:P3}");
        Assert.True(combined.Recall >= 0.97, $"combined recall {combined.Recall:P3}");
        foreach (var single in new[] { "id1", "id2" })
            Assert.True(report[single].Recall < combined.Recall, $"{single} recall {report[single].Recall:P3} is not below combined {combined.Recall:P3}");
        // The generator wrote the combined clustering: the same number of patients as measuring it again finds.
        Assert.Equal(combined.Patients.ToString(), dataset.Manifest.Provenance.Parameters["patients"]);
        Assert.Equal("combined", dataset.Manifest.Provenance.Parameters["linkage"]);
    }

    [Fact]
    public void Every_line_has_its_receipts_patient()
    {
        foreach (var table in s_lineTables)
        {
            Assert.Equal(0, data.Scalar($"SELECT count(*) FROM {table} l LEFT JOIN receipts r USING (receipt_id) WHERE l.patient_id IS DISTINCT FROM r.patient_id"));
            Assert.True(data.Scalar($"SELECT count(*) FROM {table}") > 0 || table is "devices" or "dpc", $"{table} is empty");
        }
    }

    [Fact]
    public void Patient_ids_are_dense_from_zero_in_order_of_first_appearance()
    {
        const string all = "(SELECT patient_id FROM receipts UNION ALL SELECT patient_id FROM checkups)";
        Assert.Equal(0, data.Scalar($"SELECT count(*) FROM {all} WHERE patient_id IS NULL"));
        Assert.Equal(0, data.Scalar($"SELECT min(patient_id) FROM {all}"));
        var distinct = data.Scalar($"SELECT count(DISTINCT patient_id) FROM {all}");
        Assert.Equal(distinct - 1, data.Scalar($"SELECT max(patient_id) FROM {all}"));
        // Within 10% of the true persons: linkage neither shatters nor lumps them.
        Assert.InRange(distinct, GeneratedDataset.Persons * 0.9, GeneratedDataset.Persons * 1.1);

        using var dataset = Dataset.Open(data.Directory);
        var first = dataset.Table("receipts").Partitions[0].Column(PatientIdWriter.Column).Values<int>();
        var highest = -1;
        foreach (var patient in first)
        {
            Assert.True(patient <= highest + 1, $"patient {patient} appears before {highest + 1}");
            highest = Math.Max(highest, patient);
        }
    }
}
