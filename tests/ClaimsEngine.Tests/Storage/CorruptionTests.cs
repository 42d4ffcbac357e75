using Claims.Engine.Storage;
using Claims.Testing;

namespace Claims.Engine.Tests.Storage;

public class CorruptionTests
{
    private static (TempDirectory Temp, RandomDataset Source) Written(int seed)
    {
        var temp = new TempDirectory();
        var source = new RandomDataset { Seed = seed, Months = 2, RowsPerPartition = 2_000 };
        source.Write(temp.Path);
        return (temp, source);
    }

    private static string ColumnFile(string directory, string table, int month, string column)
    {
        var manifest = DatasetManifest.Read(directory);
        return Path.Combine(directory, manifest.Generation, table, month.ToString(), column + ".col");
    }

    [Fact]
    public void A_flipped_byte_fails_with_the_file_named_while_other_files_and_datasets_keep_working()
    {
        var (temp, source) = Written(11);
        var (other, otherSource) = Written(12);
        using (temp)
        using (other)
        {
            var file = ColumnFile(temp.Path, "receipts", 202304, "total_points");
            var bytes = File.ReadAllBytes(file);
            bytes[100] ^= 0x10;
            File.WriteAllBytes(file, bytes);

            using var dataset = Dataset.Open(temp.Path);
            var partition = dataset.Table("receipts").Partitions[0];
            var error = Assert.Throws<StoreException>(() => partition.Column("total_points").GetValue(0));
            Assert.Equal("receipts/202304/total_points.col", error.File);
            Assert.Contains("checksum mismatch", error.Message);
            Assert.Contains("receipts/202304/total_points.col", error.Message);
            // The same dataset's other columns, and other datasets, are unaffected.
            Assert.Equal(source.Rows[("receipts", 202304)][0][0], partition.Column("receipt_id").GetValue(0));
            using var healthy = Dataset.Open(other.Path, ChecksumVerification.AtOpen);
            StoreAssert.HoldsExactly(healthy, otherSource);

            var eager = Assert.Throws<StoreException>(() => Dataset.Open(temp.Path, ChecksumVerification.AtOpen));
            Assert.Equal("receipts/202304/total_points.col", eager.File);
        }
    }

    [Fact]
    public void A_truncated_file_fails_at_open_with_the_file_named()
    {
        var (temp, _) = Written(13);
        using (temp)
        {
            var file = ColumnFile(temp.Path, "drugs", 202305, "code");
            using (var stream = new FileStream(file, FileMode.Open)) stream.SetLength(stream.Length - 7);
            var error = Assert.Throws<StoreException>(() => Dataset.Open(temp.Path));
            Assert.Equal("drugs/202305/code.col", error.File);
            Assert.Contains("truncated", error.Message);
        }
    }

    [Fact]
    public void A_missing_file_or_a_damaged_manifest_is_named()
    {
        var (temp, _) = Written(14);
        using (temp)
        {
            File.Delete(ColumnFile(temp.Path, "checkups", 202304, "hba1c"));
            Assert.Equal("checkups/202304/hba1c.col", Assert.Throws<StoreException>(() => Dataset.Open(temp.Path)).File);

            File.WriteAllText(Path.Combine(temp.Path, DatasetManifest.FileName), "{ not json");
            Assert.Equal(DatasetManifest.FileName, Assert.Throws<StoreException>(() => Dataset.Open(temp.Path)).File);

            File.Delete(Path.Combine(temp.Path, DatasetManifest.FileName));
            Assert.Contains("no dataset", Assert.Throws<StoreException>(() => Dataset.Open(temp.Path)).Message);
        }
    }

    [Fact]
    public void A_header_that_disagrees_with_the_manifest_is_named_even_when_the_checksum_is_recomputed()
    {
        var (temp, _) = Written(15);
        using (temp)
        {
            var file = ColumnFile(temp.Path, "receipts", 202304, "sex");
            var bytes = File.ReadAllBytes(file);
            bytes[16] ^= 1; // row count in the header
            File.WriteAllBytes(file, bytes);
            var manifestPath = Path.Combine(temp.Path, DatasetManifest.FileName);
            var json = File.ReadAllText(manifestPath);
            var manifest = DatasetManifest.Read(temp.Path);
            var entry = manifest.Tables.Single(t => t.Name == "receipts").Partitions[0].Files.Single(f => f.Column == "sex");
            File.WriteAllText(manifestPath, json.Replace(entry.Xxh3, ChecksumOf(bytes)));

            using var dataset = Dataset.Open(temp.Path);
            var error = Assert.Throws<StoreException>(() => dataset.Table("receipts").Partitions[0].Column("sex").GetValue(0));
            Assert.Equal("receipts/202304/sex.col", error.File);
        }
    }

    private static string ChecksumOf(byte[] bytes) => System.IO.Hashing.XxHash3.HashToUInt64(bytes).ToString("x16");
}
