using Apache.Arrow;
using Claims.Engine.Query;
using Claims.Engine.Storage;
using Claims.Engine.Schema;
using Claims.Testing;

namespace Claims.Engine.Tests.Query;

public class QueryEdgeTests
{
    private static long Count(Dataset dataset, string where) =>
        ((Int64Array)dataset.Execute($"{{\"from\": \"receipts\", \"where\": {where}, \"select\": [{{\"count\": \"*\", \"as\": \"n\"}}]}}").Column(0)).GetValue(0)!.Value;

    [Fact]
    public void Comparisons_past_the_ends_of_the_int64_range_select_nothing_or_everything()
    {
        using var temp = new TempDirectory();
        var source = new RandomDataset { Seed = 21, Months = 1, RowsPerPartition = 2_000 };
        source.Write(temp.Path);
        using var dataset = Dataset.Open(temp.Path);
        var all = source.Rows[("receipts", 202304)].Count;
        Assert.Equal(0, Count(dataset, "{\"col\": \"receipt_id\", \"gt\": 9223372036854775807}"));
        Assert.Equal(0, Count(dataset, "{\"col\": \"receipt_id\", \"lt\": -9223372036854775808}"));
        Assert.Equal(all, Count(dataset, "{\"col\": \"receipt_id\", \"le\": 9223372036854775807}"));
        Assert.Equal(all, Count(dataset, "{\"col\": \"receipt_id\", \"ge\": -9223372036854775808}"));
    }

    [Fact]
    public void A_list_holding_zero_matches_both_signed_zeros_as_SQL_does()
    {
        using var temp = new TempDirectory();
        using (var writer = DatasetWriter.Create(temp.Path))
        {
            var batch = new RowBatch(writer.Schema.Table("drugs"), 4) { Count = 4 };
            System.Array.Fill(batch.Values<int>("service_month"), 202401);
            foreach (var column in batch.Table.Columns.Where(c => c.Type.IsDictionary() && !c.Nullable))
                System.Array.Fill(batch.Strings(column.Name), "X");
            float[] quantities = [0f, -0f, 1.5f, 2f];
            quantities.CopyTo(batch.Values<float>("quantity"), 0);
            writer.Partition("drugs", 202401).Append(batch);
            writer.Commit();
        }
        using var dataset = Dataset.Open(temp.Path);
        long Drugs(string where) =>
            ((Int64Array)dataset.Execute($"{{\"from\": \"drugs\", \"where\": {where}, \"select\": [{{\"count\": \"*\", \"as\": \"n\"}}]}}").Column(0)).GetValue(0)!.Value;
        Assert.Equal(2, Drugs("{\"col\": \"quantity\", \"in\": [0]}"));
        Assert.Equal(3, Drugs("{\"col\": \"quantity\", \"in\": [-0.0, 2]}"));
        Assert.Equal(2, Drugs("{\"col\": \"quantity\", \"notIn\": [0.0]}"));
        Assert.Equal(2, Drugs("{\"col\": \"quantity\", \"eq\": -0.0}"));
    }
}
