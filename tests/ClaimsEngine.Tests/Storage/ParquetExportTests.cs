using Claims.Engine.Storage;
using Claims.Testing;
using DuckDB.NET.Data;

namespace Claims.Engine.Tests.Storage;

public class ParquetExportTests
{
    [Fact]
    public void DuckDB_reads_back_the_same_rows_and_nulls_from_the_export()
    {
        using var temp = new TempDirectory();
        var source = new RandomDataset { Seed = 77, Months = 2, RowsPerPartition = 3_000 };
        source.Write(temp.Combine("ds"));
        using var dataset = Dataset.Open(temp.Combine("ds"));
        var files = ParquetExport.Write(dataset, temp.Combine("out"));
        Assert.Equal(dataset.Tables.Count * 2, files.Count);

        using var duck = new DuckDBConnection("DataSource=:memory:");
        duck.Open();
        foreach (var table in dataset.Tables)
        {
            var expected = source.MonthKeys().SelectMany(m => source.Rows[(table.Name, m)]).ToList();
            var glob = temp.Combine("out", table.Name, "*.parquet");
            using var command = duck.CreateCommand();
            command.CommandText = $"SELECT * EXCLUDE (filename, file_row_number) FROM read_parquet('{glob}', filename = true, file_row_number = true) ORDER BY filename, file_row_number";
            using var reader = command.ExecuteReader();
            Assert.Equal(table.Schema.Columns.Select(c => c.Name), Enumerable.Range(0, reader.FieldCount).Select(reader.GetName));
            var row = 0;
            while (reader.Read())
            {
                for (var c = 0; c < reader.FieldCount; c++)
                {
                    var got = Normalise(reader.IsDBNull(c) ? null : reader.GetValue(c));
                    var want = expected[row][c];
                    if (!Equals(want, got))
                        Assert.Fail($"{table.Name}.{reader.GetName(c)} row {row}: expected {want ?? "null"}, DuckDB read {got ?? "null"}");
                }
                row++;
            }
            Assert.Equal(expected.Count, row);
        }
    }

    [Fact]
    public void Every_file_carries_the_provenance_marker()
    {
        using var temp = new TempDirectory();
        new RandomDataset { Seed = 78, Months = 1, RowsPerPartition = 100 }.Write(temp.Combine("ds"));
        using var dataset = Dataset.Open(temp.Combine("ds"));
        ParquetExport.Write(dataset, temp.Combine("out"));
        using var duck = new DuckDBConnection("DataSource=:memory:");
        duck.Open();
        using var command = duck.CreateCommand();
        command.CommandText = $"SELECT count(DISTINCT file_name) FROM parquet_kv_metadata('{temp.Combine("out", "*", "*.parquet")}') " +
                              "WHERE decode(key) = 'claims.synthetic' AND decode(value) = 'true'";
        Assert.Equal((long)dataset.Tables.Count, Convert.ToInt64(command.ExecuteScalar()));
    }

    [Fact]
    public void A_new_export_replaces_stale_months_but_never_touches_files_it_did_not_write()
    {
        using var temp = new TempDirectory();
        new RandomDataset { Seed = 79, Months = 2, RowsPerPartition = 50 }.Write(temp.Combine("ds"));
        using var dataset = Dataset.Open(temp.Combine("ds"));
        Directory.CreateDirectory(temp.Combine("out", "receipts"));
        File.WriteAllText(temp.Combine("out", "receipts", "199901.parquet"), "stale");
        ParquetExport.Write(dataset, temp.Combine("out"));
        Assert.False(File.Exists(temp.Combine("out", "receipts", "199901.parquet")));
        Assert.True(File.Exists(temp.Combine("out", "receipts", "202305.parquet")));

        File.WriteAllText(temp.Combine("out", "drugs", "analysis.R"), "mine");
        var error = Assert.Throws<ClaimsException>(() => ParquetExport.Write(dataset, temp.Combine("out")));
        Assert.Contains("analysis.R", error.Message);
        Assert.Equal("mine", File.ReadAllText(temp.Combine("out", "drugs", "analysis.R")));
        Assert.True(File.Exists(temp.Combine("out", "receipts", "202305.parquet")));
    }

    /// <summary>DuckDB.NET returns DATE as DateTime (or DateOnly) and strings as string; map to what the store gives.</summary>
    private static object? Normalise(object? value) => value switch
    {
        DateTime d => DateOnly.FromDateTime(d),
        _ => value,
    };
}
