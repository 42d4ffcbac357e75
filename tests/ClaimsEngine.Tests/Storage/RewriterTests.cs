using Claims.Engine.Storage;
using Claims.Testing;

namespace Claims.Engine.Tests.Storage;

public class RewriterTests
{
    private static RandomDataset Source() => new() { Seed = 11, Months = 2, RowsPerPartition = 1_500, BatchRows = 400 };

    private static IEnumerable<(string File, ColumnFileEntry Entry)> Files(DatasetManifest manifest) =>
        manifest.Tables.SelectMany(t => t.Partitions.SelectMany(p => p.Files.Select(f => ($"{t.Name}/{p.Key}/{f.File}", f))));

    [Fact]
    public void A_rewrite_replaces_the_named_columns_and_keeps_every_other_file_byte_for_byte()
    {
        using var temp = new TempDirectory();
        var source = Source();
        var before = source.Write(temp.Path);
        var after = PatientIdRewrite.Run(temp.Path, seed: 7);

        Assert.NotEqual(before.Generation, after.Generation);
        // The previous generation stays for readers that still have it open, until the next write.
        Assert.Equal([before.Generation, after.Generation], Directory.GetDirectories(temp.Path).Select(Path.GetFileName).Order());
        Assert.Equal("7", after.Provenance.Parameters[PatientIdRewrite.Parameter]);
        Assert.Equal("11", after.Provenance.Parameters["seed"]);
        var old = Files(before).ToDictionary(f => f.File, f => f.Entry);
        foreach (var (file, entry) in Files(after))
        {
            var replaced = file.EndsWith("/patient_id.col", StringComparison.Ordinal) && PatientIdRewrite.Tables.Any(t => file.StartsWith(t + "/", StringComparison.Ordinal));
            if (replaced) Assert.NotEqual(old[file].Xxh3, entry.Xxh3);
            else Assert.Equal(old[file], entry);
        }
        // Opening with verification checksums every file, the hard-linked ones included, and the values and zone maps match.
        using var dataset = Dataset.Open(temp.Path, ChecksumVerification.AtOpen);
        StoreAssert.HoldsExactly(dataset, PatientIdRewrite.Expected(source, 7));
        Assert.True(dataset.Table("receipts").Partitions[0].Column("patient_id").HasNulls);
    }

    [Fact]
    public void A_reader_that_mapped_the_old_generation_keeps_reading_it_after_a_rewrite_removes_it()
    {
        using var temp = new TempDirectory();
        var source = Source();
        source.Write(temp.Path);
        // Verifying at open maps every file; a removed file stays readable through its mapping (and its other link).
        using var old = Dataset.Open(temp.Path, ChecksumVerification.AtOpen);
        PatientIdRewrite.Run(temp.Path, seed: 3);
        StoreAssert.HoldsExactly(old, source);
    }

    [Fact]
    public void Unchanged_files_are_hard_linked_where_the_file_system_allows()
    {
        using var temp = new TempDirectory();
        File.WriteAllBytes(temp.Combine("a"), [1, 2, 3]);
        var linked = HardLink.LinkOrCopy(temp.Combine("a"), temp.Combine("b"));
        Assert.Equal(!OperatingSystem.IsWindows(), linked);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(temp.Combine("b")));
        Assert.Throws<IOException>(() => HardLink.LinkOrCopy(temp.Combine("a"), temp.Combine("b")));
    }

    [Fact]
    public void An_abandoned_rewrite_leaves_the_dataset_as_it_was_and_no_staging_folder()
    {
        using var temp = new TempDirectory();
        var source = Source();
        var before = source.Write(temp.Path);
        using (var rewriter = DatasetRewriter.Open(temp.Path))
            rewriter.Replace("receipts", 202304, "patient_id").Append<int>(new int[100]);
        Assert.Equal([before.Generation], Directory.GetDirectories(temp.Path).Select(Path.GetFileName));
        using var dataset = Dataset.Open(temp.Path, ChecksumVerification.AtOpen);
        StoreAssert.HoldsExactly(dataset, source);
    }

    [Fact]
    public void A_short_or_wrong_replacement_fails_by_name_and_leaves_the_dataset_as_it_was()
    {
        using var temp = new TempDirectory();
        var source = Source();
        source.Write(temp.Path);
        using (var rewriter = DatasetRewriter.Open(temp.Path))
        {
            rewriter.Replace("receipts", 202304, "patient_id").Append<int>(new int[100]);
            var error = Assert.Throws<ClaimsException>(() => rewriter.Commit());
            Assert.Contains("receipts/202304: 100 rows appended, the partition has 1500", error.Message);
            Assert.Contains("no partition 209901", Assert.Throws<ClaimsException>(() => rewriter.Replace("receipts", 209901, "patient_id")).Message);
            Assert.Contains("no column 'nope'", Assert.Throws<ClaimsException>(() => rewriter.Replace("receipts", 202304, "nope")).Message);
            Assert.Contains("already being replaced", Assert.Throws<ClaimsException>(() => rewriter.Replace("receipts", 202304, "patient_id")).Message);
            Assert.Throws<Engine.Schema.SchemaException>(() => rewriter.Replace("receipts", 202305, "patient_id").Append<long>(new long[1]));
            Assert.Contains("another writer", Assert.Throws<ClaimsException>(() => DatasetRewriter.Open(temp.Path)).Message);
        }
        using var dataset = Dataset.Open(temp.Path, ChecksumVerification.AtOpen);
        StoreAssert.HoldsExactly(dataset, source);
    }

    [Fact]
    public void Rewriting_a_folder_without_a_dataset_is_refused_by_name()
    {
        using var temp = new TempDirectory();
        Assert.Contains("no dataset", Assert.Throws<StoreException>(() => DatasetRewriter.Open(temp.Path)).Message);
    }
}
