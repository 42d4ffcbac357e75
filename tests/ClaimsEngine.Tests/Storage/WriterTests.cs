using Claims.Engine.Schema;
using Claims.Engine.Storage;
using Claims.Testing;

namespace Claims.Engine.Tests.Storage;

public class WriterTests
{
    [Fact]
    public void A_new_version_replaces_the_old_one_and_keeps_it_for_open_readers_until_the_next_write()
    {
        using var temp = new TempDirectory();
        var first = new RandomDataset { Seed = 1, Months = 1, RowsPerPartition = 500 };
        var firstManifest = first.Write(temp.Path);
        using var reader = Dataset.Open(temp.Path);
        var second = new RandomDataset { Seed = 2, Months = 2, RowsPerPartition = 300 };
        var manifest = second.Write(temp.Path);

        Assert.NotEqual(firstManifest.Generation, manifest.Generation);
        // A reader that opened the old version still reads it, file by file, after the new one is published.
        StoreAssert.HoldsExactly(reader, first);
        using (var dataset = Dataset.Open(temp.Path, ChecksumVerification.AtOpen)) StoreAssert.HoldsExactly(dataset, second);

        var third = new RandomDataset { Seed = 3, Months = 1, RowsPerPartition = 200 }.Write(temp.Path);
        Assert.Equal([manifest.Generation, third.Generation], Directory.GetDirectories(temp.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void An_abandoned_writer_leaves_the_previous_dataset_and_no_staging_folder()
    {
        using var temp = new TempDirectory();
        var first = new RandomDataset { Seed = 1, Months = 1, RowsPerPartition = 500 };
        first.Write(temp.Path);
        using (var writer = DatasetWriter.Create(temp.Path))
        {
            var batch = new RowBatch(writer.Schema.Table("receipts"), 10) { Count = 10 };
            Array.Fill(batch.Values<int>("service_month"), 202401);
            FillRequiredStrings(batch);
            writer.Partition("receipts", 202401).Append(batch);
        }
        Assert.DoesNotContain(Directory.GetDirectories(temp.Path), d => d.EndsWith(".tmp", StringComparison.Ordinal));
        using var dataset = Dataset.Open(temp.Path, ChecksumVerification.AtOpen);
        StoreAssert.HoldsExactly(dataset, first);
    }

    [Fact]
    public void A_partition_sealed_before_the_commit_is_published_with_the_rest_and_takes_no_more_rows()
    {
        using var temp = new TempDirectory();
        using (var writer = DatasetWriter.Create(temp.Path))
        {
            foreach (var month in new[] { 202401, 202402 })
            {
                var batch = new RowBatch(writer.Schema.Table("receipts"), 10) { Count = 10 };
                Array.Fill(batch.Values<int>("service_month"), month);
                FillRequiredStrings(batch);
                writer.Partition("receipts", month).Append(batch);
            }
            writer.Seal("receipts", 202401);
            writer.Seal("receipts", 202401);
            Assert.Contains("receipts/202401 is sealed", Assert.Throws<ClaimsException>(() => writer.Partition("receipts", 202401)).Message);
            writer.Commit();
        }
        using var dataset = Dataset.Open(temp.Path, ChecksumVerification.AtOpen);
        Assert.Equal([202401, 202402], dataset.Table("receipts").Partitions.Select(p => p.Key));
        Assert.Equal(20, dataset.Table("receipts").RowCount);
    }

    [Fact]
    public void Only_one_writer_at_a_time()
    {
        using var temp = new TempDirectory();
        using var writer = DatasetWriter.Create(temp.Path);
        var error = Assert.Throws<ClaimsException>(() => DatasetWriter.Create(temp.Path));
        Assert.Contains("another writer", error.Message);
    }

    [Fact]
    public void A_folder_with_other_files_is_not_overwritten()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("thesis.docx"), "precious");
        var error = Assert.Throws<ClaimsException>(() => DatasetWriter.Create(temp.Path));
        Assert.Contains("thesis.docx", error.Message);
        Assert.True(File.Exists(temp.Combine("thesis.docx")));
    }

    [Fact]
    public void Bad_rows_are_refused_with_the_column_named()
    {
        using var temp = new TempDirectory();
        using var writer = DatasetWriter.Create(temp.Path);
        var receipts = writer.Schema.Table("receipts");
        var batch = new RowBatch(receipts, 4) { Count = 4 };
        Array.Fill(batch.Values<int>("service_month"), 202304);
        FillRequiredStrings(batch);
        batch.Values<int>("service_month")[2] = 202305;
        var month = Assert.Throws<ClaimsException>(() => writer.Partition("receipts", 202304).Append(batch));
        Assert.Contains("202305", month.Message);

        batch.Values<int>("service_month")[2] = 202304;
        var notNullable = Assert.Throws<SchemaException>(() => batch.Nulls("sex"));
        Assert.Contains("receipts.sex", notNullable.Message);
        var wrongType = Assert.Throws<SchemaException>(() => batch.Values<long>("sex"));
        Assert.Contains("receipts.sex", wrongType.Message);
        Assert.Throws<SchemaException>(() => writer.Partition("nope", 202304));
        Assert.Throws<ClaimsException>(() => writer.Partition("receipts", 202313));
    }

    [Fact]
    public void A_null_in_a_non_null_code_column_is_refused()
    {
        using var temp = new TempDirectory();
        using var writer = DatasetWriter.Create(temp.Path);
        var batch = new RowBatch(writer.Schema.Table("diagnoses"), 2) { Count = 2 };
        Array.Fill(batch.Values<int>("service_month"), 202304);
        batch.Strings("disease_code")[0] = "2500013";
        var error = Assert.Throws<ClaimsException>(() => writer.Partition("diagnoses", 202304).Append(batch));
        Assert.Contains("diagnoses.disease_code", error.Message);
    }

    private static void FillRequiredStrings(RowBatch batch)
    {
        foreach (var column in batch.Table.Columns.Where(c => c.Type.IsDictionary() && !c.Nullable))
            Array.Fill(batch.Strings(column.Name), "X");
    }
}
