using System.Globalization;
using Claims.Engine.Storage;
using Claims.SyntheticGen;
using Claims.Testing;

namespace Claims.Import.Tests;

/// <summary>generate → export uke → import uke: the same 医科 receipts, lines, points and codes come back.</summary>
public sealed class RoundTripTests : IDisposable
{
    private readonly TempDirectory _temp = new("uke-roundtrip");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Generated_receipts_come_back_through_uke_files_unchanged()
    {
        Generator.Run(new GenerateOptions { Out = _temp.Combine("gen"), Persons = 3000, From = 202304, Months = 2, Seed = 7, Threads = 2 });
        UkeExportSummary summary;
        using (var generated = Dataset.Open(_temp.Combine("gen")))
            summary = UkeExporter.Write(generated, _temp.Combine("uke"));
        var report = UkeImporter.Run(new UkeImportOptions
        {
            Inputs = [_temp.Combine("uke")], Out = _temp.Combine("back"), SaltFile = _temp.Combine("salt.key"),
            Population = _temp.Combine("uke", UkeExporter.PopulationFileName),
        });

        using var original = Dataset.Open(_temp.Combine("gen"));
        using var back = Dataset.Open(_temp.Combine("back"));
        var expected = Signatures(original);
        Assert.True(expected.Count > 1000, $"only {expected.Count} 医科 receipts to compare");
        Assert.Equal(expected.Count, summary.Receipts);
        Assert.Equal(0, report.ReceiptsRejected);
        Assert.All(report.FailuresByRule.Values, count => Assert.Equal(0, count));
        Assert.Equal(expected, Signatures(back));
        // 医科 files name no prescriber on their drug lines: NULL, not a facility 0.
        var drugs = back.Table("drugs");
        Assert.True(drugs.RowCount > 0);
        Assert.All(drugs.Partitions, p => Assert.Equal(p.RowCount, Enumerable.Range(0, p.RowCount).Count(p.Column("prescriber_id").IsNull)));
        // DPC, pharmacy and dental receipts are counted, not written.
        Assert.Equal(original.Table("receipts").RowCount - expected.Count, summary.SkippedByClaimKind.Values.Sum());
        // Names and cards are made up per patient and birth month and sex, so linkage finds the same patients,
        // split only where one linked patient holds two birth months or sexes (two people linkage joined).
        Assert.Equal(MedicalPatients(original), report.Patients);
        // The files say what they are: the IR name field marks them synthetic.
        Assert.All(Directory.EnumerateFiles(_temp.Combine("uke"), "*.UKE").Take(20),
            f => Assert.Contains("合成データ", File.ReadLines(f, UkeText.Cp932).First()));
    }

    /// <summary>The generator's population leaves as population.csv beside the files and comes back cell for cell through --population.</summary>
    [Fact]
    public void The_population_comes_back_through_its_file()
    {
        Generator.Run(new GenerateOptions { Out = _temp.Combine("gen"), Persons = 1500, From = 202304, Months = 2, Seed = 9 });
        using (var generated = Dataset.Open(_temp.Combine("gen")))
            Assert.Equal(generated.Table("population").RowCount, UkeExporter.Write(generated, _temp.Combine("uke")).PopulationCells);
        var report = UkeImporter.Run(new UkeImportOptions
        {
            Inputs = [_temp.Combine("uke")], Out = _temp.Combine("back"), SaltFile = _temp.Combine("salt.key"),
            Population = _temp.Combine("uke", UkeExporter.PopulationFileName),
        });
        using var original = Dataset.Open(_temp.Combine("gen"));
        using var back = Dataset.Open(_temp.Combine("back"));
        Assert.Equal(original.Table("population").RowCount, report.Rows["population"]);
        Assert.Equal(Cells(original), Cells(back));
        Assert.Equal(2, back.Table("population").Partitions.Count);
        Assert.Equal("population.csv", back.Manifest.Provenance.Parameters["population"]);
    }

    private static List<string> Cells(Dataset dataset)
    {
        var cells = new List<string>();
        foreach (var partition in dataset.Table("population").Partitions)
            for (var row = 0; row < partition.RowCount; row++)
                cells.Add(string.Join(",", new[] { "month", "prefecture", "sex", "age", "insurer_kind", "persons" }.Select(c => Get(partition, c, row))));
        return cells;
    }

    private static int MedicalPatients(Dataset dataset) => Receipts(dataset)
        .Select(r => (Get(r.Partition, "patient_id", r.Row), Get(r.Partition, "birth_ym", r.Row), Get(r.Partition, "sex", r.Row))).Distinct().Count();

    /// <summary>Each 医科 receipt with its lines and diagnoses as text, sorted, so two datasets compare without their ids.</summary>
    private static List<string> Signatures(Dataset dataset)
    {
        var signatures = new List<string>();
        foreach (var month in dataset.Table("receipts").Partitions)
        {
            var lines = new Dictionary<long, List<string>>();
            foreach (var table in new[] { "diagnoses", "procedures", "drugs", "devices" })
            {
                var partition = dataset.Table(table).Partitions.FirstOrDefault(p => p.Key == month.Key);
                if (partition is null) continue;
                string[] columns = table == "diagnoses"
                    ? ["disease_code", "disease_name", "icd10", "start_date", "outcome", "is_main", "is_suspected"]
                    : ["shinryo_shikibetsu", "code", "quantity", "points", "times"];
                for (var row = 0; row < partition.RowCount; row++)
                {
                    var receipt = partition.Column("receipt_id").Values<long>()[row];
                    if (!lines.TryGetValue(receipt, out var list)) lines[receipt] = list = [];
                    list.Add(table + "|" + string.Join("|", columns.Select(c => Get(partition, c, row))));
                }
            }
            foreach (var (partition, row) in Receipts(dataset).Where(r => r.Partition == month))
            {
                var id = partition.Column("receipt_id").Values<long>()[row];
                string[] columns = ["service_month", "receipt_type", "claim_kind", "sex", "birth_ym", "age", "prefecture", "insurer_kind", "total_points", "actual_days", "admission_date"];
                var items = lines.GetValueOrDefault(id) ?? [];
                items.Sort(StringComparer.Ordinal);
                signatures.Add(string.Join("|", columns.Select(c => Get(partition, c, row))) + " :: " + string.Join(" / ", items));
            }
        }
        signatures.Sort(StringComparer.Ordinal);
        return signatures;
    }

    private static IEnumerable<(DatasetPartition Partition, int Row)> Receipts(Dataset dataset) =>
        dataset.Table("receipts").Partitions.SelectMany(p => Enumerable.Range(0, p.RowCount).Select(r => (p, r)))
            .Where(x => Get(x.p, "claim_kind", x.r) is "1" or "2");

    private static string Get(DatasetPartition partition, string column, int row) =>
        Convert.ToString(partition.Column(column).GetValue(row), CultureInfo.InvariantCulture) ?? "NULL";
}
