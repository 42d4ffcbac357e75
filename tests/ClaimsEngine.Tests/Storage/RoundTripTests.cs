using Claims.Engine.Schema;
using Claims.Engine.Storage;
using Claims.Testing;

namespace Claims.Engine.Tests.Storage;

public class RoundTripTests
{
    [Fact]
    public void Random_rows_of_every_table_and_type_read_back_exactly_with_nulls_and_zone_maps()
    {
        using var temp = new TempDirectory();
        // Small blocks so that 5,000 rows span several zone-map blocks and a short last block.
        var schema = SchemaCopies.WithBlockRows(temp.Combine("schema"), 4096);
        var types = schema.Tables.SelectMany(t => t.Columns).Select(c => c.Type).ToHashSet();
        Assert.Equal(Enum.GetValues<LogicalType>().ToHashSet(), types);

        var source = new RandomDataset { Seed = 42, Months = 3, RowsPerPartition = 9_000, BatchRows = 1_000 };
        source.Write(temp.Combine("ds"), new DatasetWriteOptions { Schema = schema });
        using var dataset = Dataset.Open(temp.Combine("ds"), ChecksumVerification.AtOpen, schema);

        StoreAssert.HoldsExactly(dataset, source);
        Assert.Equal(source.Rows.Values.Sum(r => r.Count), dataset.RowCount);
    }

    [Fact]
    public void Dictionaries_are_sorted_so_that_a_prefix_is_one_id_range()
    {
        using var temp = new TempDirectory();
        var source = new RandomDataset { Seed = 3, Months = 1, RowsPerPartition = 4_000 };
        source.Write(temp.Path);
        using var dataset = Dataset.Open(temp.Path);
        var icd10 = dataset.Table("diagnoses").Partitions[0].Column("icd10");
        StoreAssert.DictionaryIsSortedWithPrefixRanges(icd10.Dictionary, ["", "E", "E1", "E11", "E119", "I", "Z", "糖", "😀", "E11x"]);
        Assert.Equal(-1, icd10.Dictionary.IdOf("never-written"));
        Assert.Equal("E11", icd10.Dictionary[icd10.Dictionary.IdOf("E11")]);
    }

    [Fact]
    public unsafe void Column_values_are_64_byte_aligned_in_the_memory_map()
    {
        using var temp = new TempDirectory();
        new RandomDataset { Seed = 5, Months = 1, RowsPerPartition = 1_000 }.Write(temp.Path);
        using var dataset = Dataset.Open(temp.Path);
        foreach (var column in dataset.Tables.SelectMany(t => t.Partitions[0].Columns))
        {
            fixed (byte* values = column.DataBytes)
                Assert.Equal(0, (long)values % 64);
        }
    }

    [Fact]
    public void Zone_maps_and_validity_can_be_read_before_any_value()
    {
        using var temp = new TempDirectory();
        var source = new RandomDataset { Seed = 6, Months = 1, RowsPerPartition = 500 };
        source.Write(temp.Path);
        using var dataset = Dataset.Open(temp.Path);
        var partition = dataset.Table("receipts").Partitions[0];
        var withNulls = 0;
        // No value is read here: the null counts of the zone maps and the validity bitmap must agree with the rows written.
        for (var c = 0; c < partition.Table.Columns.Count; c++)
        {
            var column = partition.Columns[c];
            var nulls = source.Rows[("receipts", partition.Key)].Count(r => r[c] is null);
            Assert.Equal(500, column.Zones[0].ValueCount + column.Zones[0].NullCount);
            Assert.Equal(nulls, column.Zones[0].NullCount);
            Assert.Equal(nulls > 0, column.HasNulls);
            if (nulls == 0) continue;
            withNulls++;
            var bitmap = column.ValidityBitmap.ToArray();
            Assert.Equal(nulls, 500 - Enumerable.Range(0, 500).Count(row => (bitmap[row >> 3] & (1 << (row & 7))) != 0));
        }
        Assert.True(withNulls > 0, "the random rows should hold some nulls");
    }
}
