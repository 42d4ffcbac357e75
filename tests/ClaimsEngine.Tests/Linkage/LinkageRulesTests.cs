using Claims.Engine.Linkage;
using Claims.Engine.Schema;
using Claims.Engine.Storage;
using Claims.Testing;

namespace Claims.Engine.Tests.Linkage;

/// <summary>
/// The rules docs/linkage.md promises, on hand-made receipts and checkups whose identity hashes are chosen so that
/// each rule decides the outcome: the numbering order, and how a checkup's id2 borrows a birth month.
/// </summary>
public class LinkageRulesTests
{
    private sealed record Receipt(int Month, int? Id1, int? Id2, int? Id5, sbyte Sex = 1, int BirthYm = 195003);

    private sealed record Checkup(int Month, int Id1, int Id2, short Age, sbyte Sex = 1);

    [Fact]
    public void Patients_are_numbered_in_order_of_first_appearance_receipts_month_by_month_then_checkups()
    {
        using var temp = new TempDirectory();
        // Hash numbers: persons C (30), A (10), B (20) in April, D (40) and A again in May; checkups of E (50), then B by id1.
        Write(temp.Path,
            [new(202304, 30, null, null), new(202304, 10, null, null), new(202304, 20, null, null), new(202305, 40, null, null), new(202305, 10, null, null)],
            [new(202304, 50, 51, 70), new(202304, 20, 52, 70)]);
        PatientIdWriter.Write(temp.Path);
        using var dataset = Dataset.Open(temp.Path);
        Assert.Equal([0, 1, 2, 3, 1], Patients(dataset, "receipts"));
        Assert.Equal([4, 2], Patients(dataset, "checkups"));
    }

    [Fact]
    public void A_checkup_id2_links_to_receipts_only_through_the_one_birth_month_they_show_and_an_age_that_agrees()
    {
        using var temp = new TempDirectory();
        Write(temp.Path,
            [
                // id2 7 with one birth month (March 1950): 73 in April 2023.
                new(202304, 1, 7, null, BirthYm: 195003),
                // id2 8 shown with two birth months: two patients that the guard keeps apart.
                new(202304, 2, 8, null, BirthYm: 195003),
                new(202304, 3, 8, null, BirthYm: 196007),
            ],
            [
                new(202304, 101, 7, Age: 73),
                // The same id2 and sex, an age that does not agree: linked to neither the receipt nor…
                new(202304, 102, 7, Age: 60),
                // …anyone but the other checkup that has it.
                new(202304, 103, 7, Age: 60),
                // The same id2 but the other sex: not this person.
                new(202304, 104, 7, Age: 73, Sex: 2),
                // An id2 whose receipts show two birth months borrows neither, so it bridges neither patient.
                new(202304, 105, 8, Age: 73),
            ]);
        PatientIdWriter.Write(temp.Path);
        using var dataset = Dataset.Open(temp.Path);
        var receipts = Patients(dataset, "receipts");
        var checkups = Patients(dataset, "checkups");
        Assert.Equal(3, receipts.Distinct().Count());
        Assert.Equal(receipts[0], checkups[0]);
        Assert.Equal(checkups[1], checkups[2]);
        Assert.DoesNotContain(checkups[1], receipts);
        Assert.DoesNotContain(checkups[3], receipts.Append(checkups[1]));
        Assert.DoesNotContain(checkups[4], receipts.Append(checkups[1]).Append(checkups[3]));
    }

    [Fact]
    public void Records_without_any_identity_hash_are_refused_naming_the_row_and_the_dataset_is_left_as_it_was()
    {
        using var temp = new TempDirectory();
        Write(temp.Path, [new(202304, 1, null, null), new(202304, null, null, null)], []);
        var before = DatasetManifest.Read(temp.Path).Generation;
        var error = Assert.Throws<ClaimsException>(() => PatientIdWriter.Write(temp.Path));
        Assert.Contains("receipts/202304 row 1", error.Message);
        Assert.Equal(before, DatasetManifest.Read(temp.Path).Generation);
    }

    private static int[] Patients(Dataset dataset, string table) =>
        dataset.Table(table).Partitions.OrderBy(p => p.Key).SelectMany(p => p.Column("patient_id").Values<int>().ToArray()).ToArray();

    private static byte[] Hash(int number)
    {
        var bytes = new byte[32];
        BitConverter.TryWriteBytes(bytes.AsSpan(24), (long)number);
        return bytes;
    }

    private static void SetHash(RowBatch batch, string column, int row, int? number)
    {
        var nullable = batch.Table.Column(column).Nullable;
        if (number is { } n) Hash(n).CopyTo(batch.Hashes(column).AsSpan(row * 32));
        if (nullable) batch.Nulls(column)[row] = number is null;
    }

    /// <summary>
    /// A dataset of these receipts and checkups, in this order; every other column takes a plain value (zero, or
    /// NULL where allowed), which linkage never reads.
    /// </summary>
    private static void Write(string directory, IReadOnlyList<Receipt> receipts, IReadOnlyList<Checkup> checkups)
    {
        using var writer = DatasetWriter.Create(directory);
        var receiptId = 0L;
        foreach (var month in receipts.GroupBy(r => r.Month))
        {
            var batch = Blank(writer, "receipts", month.Count());
            var row = 0;
            foreach (var receipt in month)
            {
                batch.Values<long>("receipt_id")[row] = ++receiptId;
                batch.Values<int>("service_month")[row] = receipt.Month;
                batch.Values<sbyte>("claim_kind")[row] = 2;
                batch.Values<sbyte>("sex")[row] = receipt.Sex;
                batch.Values<int>("birth_ym")[row] = receipt.BirthYm;
                batch.Nulls("birth_ym")[row] = false;
                batch.Values<short>("age")[row] = (short)((MonthKey.ToAbsolute(receipt.Month) - MonthKey.ToAbsolute(receipt.BirthYm)) / 12);
                SetHash(batch, "id1", row, receipt.Id1);
                SetHash(batch, "id2", row, receipt.Id2);
                SetHash(batch, "id5", row, receipt.Id5);
                row++;
            }
            writer.Partition("receipts", month.Key).Append(batch);
        }
        foreach (var month in checkups.GroupBy(c => c.Month))
        {
            var batch = Blank(writer, "checkups", month.Count());
            var row = 0;
            foreach (var checkup in month)
            {
                batch.Values<long>("checkup_id")[row] = 1000 + row;
                batch.Values<int>("exam_month")[row] = checkup.Month;
                batch.Values<sbyte>("sex")[row] = checkup.Sex;
                batch.Values<short>("age")[row] = checkup.Age;
                SetHash(batch, "id1", row, checkup.Id1);
                SetHash(batch, "id2", row, checkup.Id2);
                SetHash(batch, "id5", row, null);
                row++;
            }
            writer.Partition("checkups", month.Key).Append(batch);
        }
        writer.Commit();
    }

    private static RowBatch Blank(DatasetWriter writer, string table, int rows)
    {
        var batch = new RowBatch(writer.Schema.Table(table), rows) { Count = rows };
        foreach (var column in batch.Table.Columns.Where(c => c.Nullable && !c.Type.IsDictionary()))
            Array.Fill(batch.Nulls(column.Name), true);
        return batch;
    }
}
