using System.Text;
using Claims.Engine.Query;
using Claims.Engine.Storage;
using Claims.Testing;

namespace Claims.Import.Tests;

/// <summary>
/// The real-format sample (shared/reference/uke, copied to Fixtures/ with its licence): figures from its README,
/// checked through the engine's query API, the way any caller sees an imported dataset.
/// </summary>
public sealed class SampleFileTests : IDisposable
{
    private static readonly string s_sample = UkeSample.Path;
    private readonly TempDirectory _temp = new("uke-sample");

    public void Dispose() => _temp.Dispose();

    private UkeImportReport Import(string input, string name = "ds") => UkeImporter.Run(new UkeImportOptions
    {
        Inputs = [input],
        Out = _temp.Combine(name),
        SaltFile = _temp.Combine("salt.key"),
    });

    [Fact]
    public void The_sample_imports_75_receipts_of_75_patients_and_86392_points_with_every_check_holding()
    {
        var report = Import(s_sample);

        Assert.Equal(75, report.ReceiptsRead);
        Assert.Equal(75, report.ReceiptsImported);
        Assert.Equal(0, report.ReceiptsRejected);
        Assert.Equal(86_392, report.PointsImported);
        // The README's 75 patients are the facility's 75 chart numbers. Its made-up patients share cards (保険者
        // 01010016, 記号 １, 番号 １) and names, so the NDB's keys join some of them, as they would in the NDB.
        Assert.Equal(75, Assert.Single(report.Files).ChartNumbers);
        Assert.Equal(NdbPatients.Count(File.ReadAllLines(s_sample, UkeText.Cp932)), report.Patients);
        Assert.All(report.FailuresByRule.Values, count => Assert.Equal(0, count));
        Assert.Empty(report.Failures);
        var file = Assert.Single(report.Files);
        Assert.StartsWith("western", file.DateConvention);
        Assert.Equal(202111, file.BillingMonth);
        var expected = new Dictionary<string, int>
        {
            ["IR"] = 1, ["RE"] = 75, ["HO"] = 69, ["KO"] = 71, ["SN"] = 2, ["SY"] = 9, ["SI"] = 320, ["IY"] = 32, ["CO"] = 56, ["GO"] = 1,
        };
        Assert.Equal(expected.OrderBy(e => e.Key), file.Records.OrderBy(e => e.Key));
        Assert.Equal(new Dictionary<string, int> { ["SN"] = 2, ["CO"] = 56 }.OrderBy(e => e.Key), report.RecordsNotStored.OrderBy(e => e.Key));
    }

    [Fact]
    public void The_engine_reads_the_imported_dataset_as_it_reads_generated_ones()
    {
        Import(s_sample);
        using var dataset = Dataset.Open(_temp.Combine("ds"), ChecksumVerification.AtOpen);

        Assert.False(dataset.Manifest.Provenance.Synthetic);
        Assert.Equal(DatasetAccess.Restricted, dataset.Manifest.Access);
        var receipts = Row(dataset, """
            {"from": "receipts", "select": [{"count": "*", "as": "n"}, {"sum": "total_points", "as": "points"},
             {"countDistinct": "patient_id", "as": "patients"}, {"min": "service_month", "as": "month"}, {"max": "service_month", "as": "last"}]}
            """);
        Assert.Equal(75L, Convert.ToInt64(receipts["n"]));
        Assert.Equal(86_392L, Convert.ToInt64(receipts["points"]));
        Assert.Equal(NdbPatients.Count(File.ReadAllLines(s_sample, UkeText.Cp932)), Convert.ToInt64(receipts["patients"]));
        Assert.Equal(202110, Convert.ToInt32(receipts["month"]));
        Assert.Equal(202110, Convert.ToInt32(receipts["last"]));
        // Chiba (12) and the IR facility code 0000000.
        Assert.Equal(1L, Convert.ToInt64(Row(dataset, """{"from": "receipts", "where": {"col": "prefecture", "eq": 12}, "select": [{"countDistinct": "facility_id", "as": "n"}]}""")["n"]));

        // Line counts against the file itself: SI lines are procedures, IY drugs, SY diagnoses.
        var lines = File.ReadAllLines(s_sample, UkeText.Cp932);
        Assert.Equal(lines.Count(l => l.StartsWith("SI,")), Count(dataset, "procedures"));
        Assert.Equal(lines.Count(l => l.StartsWith("IY,")), Count(dataset, "drugs"));
        Assert.Equal(lines.Count(l => l.StartsWith("SY,")), Count(dataset, "diagnoses"));
        Assert.Equal(lines.Count(l => l.StartsWith("SY,0000999,")),
            Convert.ToInt64(Row(dataset, """{"from": "diagnoses", "where": {"col": "disease_code", "eq": "0000999"}, "select": [{"count": "disease_name", "as": "n"}]}""")["n"]));
        // Outpatient file: every receipt is claim kind 2 (医科入院外).
        Assert.Equal(75L, Convert.ToInt64(Row(dataset, """{"from": "receipts", "where": {"col": "claim_kind", "eq": 2}, "select": [{"count": "*", "as": "n"}]}""")["n"]));
    }

    [Fact]
    public void No_name_reaches_the_store_and_the_salt_decides_the_hashes()
    {
        Import(s_sample);
        var names = new[] { "都ぞ弥生", "ミヤコゾヤヨイミナミ", "カキクケコ", "テストハンヨウ" };
        foreach (var file in Directory.EnumerateFiles(_temp.Combine("ds"), "*.col", SearchOption.AllDirectories))
        {
            var text = Encoding.UTF8.GetString(File.ReadAllBytes(file));
            Assert.DoesNotContain(names, text.Contains);
        }

        var first = Id1Column("ds");
        Import(s_sample, "again");
        Assert.Equal(first, Id1Column("again"));
        File.Delete(_temp.Combine("salt.key"));
        Import(s_sample, "resalted");
        Assert.NotEqual(first, Id1Column("resalted"));
    }

    [Fact]
    public void Lf_endings_and_a_trailing_eof_byte_read_the_same()
    {
        var bytes = File.ReadAllBytes(s_sample);
        var lf = _temp.Combine("LF.UKE");
        File.WriteAllBytes(lf, [.. Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(bytes).Replace("\r\n", "\n")), 0x1A]);

        var report = Import(lf);

        Assert.Equal(75, report.ReceiptsImported);
        Assert.Equal(86_392, report.PointsImported);
        Assert.All(report.FailuresByRule.Values, count => Assert.Equal(0, count));
    }

    [Fact]
    public void A_file_of_many_receipts_streams_through_in_order_with_every_check_holding()
    {
        // 7 copies: 525 receipts, eight of the reader's chunks of 64 and part of a ninth.
        var lines = UkeSample.WriteRepeated(_temp.Combine("BIG.UKE"), 7);

        var report = Import(_temp.Combine("BIG.UKE"));

        Assert.Equal(2 + 7 * 634, lines);
        Assert.Equal(lines, Assert.Single(report.Files).Lines);
        Assert.Equal(7 * 75, report.ReceiptsImported);
        Assert.Equal(7 * 86_392, report.PointsImported);
        Assert.All(report.FailuresByRule.Values, count => Assert.Equal(0, count));
        using var dataset = Dataset.Open(_temp.Combine("ds"));
        var receipts = Assert.Single(dataset.Table("receipts").Partitions);
        // Receipt ids run in file order: the i-th receipt of every copy has the same total.
        var totals = receipts.Column("total_points").Values<int>().ToArray();
        var ids = receipts.Column("receipt_id").Values<long>().ToArray();
        Assert.Equal(Enumerable.Range(1, 7 * 75).Select(i => (long)i), ids);
        Assert.All(Enumerable.Range(75, 6 * 75), i => Assert.Equal(totals[i % 75], totals[i]));
    }

    private byte[] Id1Column(string name)
    {
        using var dataset = Dataset.Open(_temp.Combine(name));
        var partition = Assert.Single(dataset.Table("receipts").Partitions);
        return partition.Column("id1").DataBytes.ToArray();
    }

    private static long Count(Dataset dataset, string table) =>
        Convert.ToInt64(Row(dataset, $$"""{"from": "{{table}}", "select": [{"count": "*", "as": "n"}]}""")["n"]);

    private static Dictionary<string, object?> Row(Dataset dataset, string query)
    {
        using var batch = dataset.Execute(query);
        Assert.Equal(1, batch.Length);
        return Enumerable.Range(0, batch.ColumnCount).ToDictionary(c => batch.Schema.FieldsList[c].Name, c => ArrowValues.Value(batch.Column(c), 0));
    }
}
