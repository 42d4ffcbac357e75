using Apache.Arrow;
using Claims.Engine.Query;
using Claims.Engine.Storage;
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
}
