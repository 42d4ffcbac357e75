using Claims.Engine.Query;
using Claims.Engine.Schema;
using Claims.Engine.Storage;
using Claims.Testing;

namespace Claims.Engine.Tests.Query;

/// <summary>
/// A <c>patientMonth</c> test decides a patient from their rows as one run where the rows come together (as the
/// generator writes them) and sorts the rows of a patient met in several runs first (as claim files, written by
/// facility, come): both against a count by brute force over lines laid out at random, a patient's receipts
/// scattered through the month, over several blocks.
/// </summary>
public sealed class PatientRunsTests
{
    private const int Block = 4_096;

    private sealed record Line(long Receipt, int? Patient, int? Prescriber, string Code);

    [Theory]
    [InlineData(2, false, 1)]
    [InlineData(3, false, 2)]
    [InlineData(2, true, 3)]
    public void Patients_whose_rows_come_in_several_runs_are_counted_as_by_brute_force(int atLeast, bool perCode, int seed)
    {
        var random = new Random(seed);
        // 1,000 patients, each with up to four receipts of the month; every receipt's lines are written together,
        // and the receipts of all patients in random order, so most patients' rows come in several runs.
        var receipts = Enumerable.Range(0, 1_000).SelectMany(p => Enumerable.Range(0, random.Next(1, 5)).Select(_ => p))
            .OrderBy(_ => random.Next()).ToArray();
        var lines = new List<Line>();
        for (var r = 0; r < receipts.Length; r++)
        {
            int? patient = random.Next(50) == 0 ? null : receipts[r];
            for (var n = random.Next(1, 12); n > 0; n--)
                lines.Add(new Line(r + 1, patient, random.Next(8) == 0 ? null : random.Next(1, 4), $"C{random.Next(6)}"));
        }
        // Runs of one patient's rows are made too: a receipt's lines, and a patient's receipts side by side.
        Assert.Contains(lines.GroupBy(l => l.Patient).Where(g => g.Key is not null), g => Runs(lines, g.Key) > 1);
        Assert.True(lines.Count > 2 * Block, "the lines should span several blocks");

        using var temp = new TempDirectory();
        using var dataset = Write(temp, receipts.Length, lines);
        var per = perCode ? """, "per": "code" """ : "";
        var json = $$$"""{"from": "drugs", "where": {"patientMonth": {"distinct": "prescriber_id"{{{per}}}, "atLeast": {{{atLeast}}}}}, "select": [{"countDistinct": "patient_id", "as": "p"}, {"count": "*", "as": "n"}]}""";
        var row = QueryOracle.Rows(dataset.Execute(json)).Single();

        var chosen = lines.Where(l => l.Patient is not null && l.Prescriber is not null)
            .GroupBy(l => l.Patient)
            .Where(g => g.GroupBy(l => perCode ? l.Code : "").Any(c => c.Select(l => l.Prescriber).Distinct().Count() >= atLeast))
            .Select(g => g.Key).ToHashSet();
        Assert.NotEmpty(chosen);
        Assert.True(chosen.Count < 1_000, "some patients should fall short of the test");
        Assert.Equal([chosen.Count.ToString(), lines.Count(l => chosen.Contains(l.Patient)).ToString()], row.Select(v => v!).ToArray());
    }

    /// <summary>How many runs of adjacent rows a patient's rows make.</summary>
    private static int Runs(List<Line> lines, int? patient) =>
        lines.Where((l, i) => l.Patient == patient && (i == 0 || lines[i - 1].Patient != patient)).Count();

    /// <summary>One month's receipts 1..<paramref name="receipts"/> and their drug lines, of 1,000 linked patients.</summary>
    private static Dataset Write(TempDirectory temp, int receipts, List<Line> lines)
    {
        var schema = SchemaCopies.WithBlockRows(temp.Combine("schema"), Block);
        var options = new DatasetWriteOptions
        {
            Schema = schema,
            Provenance = new DatasetProvenance(true, "test", new Dictionary<string, string> { ["patients"] = "1000" }),
        };
        using (var writer = DatasetWriter.Create(temp.Combine("data"), options))
        {
            var receiptRows = new RowBatch(schema.Table("receipts"), receipts) { Count = receipts };
            foreach (var column in receiptRows.Table.Columns.Where(c => c.Type.IsDictionary() && !c.Nullable)) Array.Fill(receiptRows.Strings(column.Name), "X");
            Array.Fill(receiptRows.Values<int>("service_month"), 202401);
            for (var r = 0; r < receipts; r++) receiptRows.Values<long>("receipt_id")[r] = r + 1;
            writer.Partition("receipts", 202401).Append(receiptRows);

            var drugs = new RowBatch(schema.Table("drugs"), lines.Count) { Count = lines.Count };
            foreach (var column in drugs.Table.Columns.Where(c => c.Type.IsDictionary() && !c.Nullable)) Array.Fill(drugs.Strings(column.Name), "X");
            Array.Fill(drugs.Values<int>("service_month"), 202401);
            for (var i = 0; i < lines.Count; i++)
            {
                drugs.Values<long>("receipt_id")[i] = lines[i].Receipt;
                drugs.Strings("code")[i] = lines[i].Code;
                drugs.Values<int>("patient_id")[i] = lines[i].Patient ?? 0;
                drugs.Nulls("patient_id")[i] = lines[i].Patient is null;
                drugs.Values<int>("prescriber_id")[i] = lines[i].Prescriber ?? 0;
                drugs.Nulls("prescriber_id")[i] = lines[i].Prescriber is null;
            }
            writer.Partition("drugs", 202401).Append(drugs);
            writer.Commit();
        }
        return Dataset.Open(temp.Combine("data"));
    }
}
