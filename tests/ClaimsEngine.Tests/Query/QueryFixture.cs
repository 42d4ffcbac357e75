using Claims.Engine.Storage;
using Claims.SyntheticGen;
using Claims.Testing;
using DuckDB.NET.Data;

namespace Claims.Engine.Tests.Query;

/// <summary>A small generated dataset (3,000 persons, October to March, across a fiscal year) open in the engine and, through its Parquet export, in DuckDB.</summary>
public sealed class QueryFixture : IDisposable
{
    private readonly TempDirectory _temp = new("claims-query");

    public QueryFixture()
    {
        Generator.Run(new GenerateOptions { Out = _temp.Combine("ds"), Persons = 3_000, From = 202310, Months = 6, Seed = 77 });
        Dataset = Dataset.Open(_temp.Combine("ds"));
        ParquetExport.Write(Dataset, _temp.Combine("parquet"));
        Duck = new DuckDBConnection("DataSource=:memory:");
        Duck.Open();
        foreach (var table in Dataset.Tables)
        {
            using var command = Duck.CreateCommand();
            command.CommandText = $"CREATE TABLE {table.Name} AS SELECT * FROM read_parquet('{_temp.Combine("parquet", table.Name, "*.parquet")}')";
            command.ExecuteNonQuery();
        }
    }

    public Dataset Dataset { get; }
    public DuckDBConnection Duck { get; }

    public List<object?[]> Rows(string sql)
    {
        using var command = Duck.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public void Dispose()
    {
        Duck.Dispose();
        Dataset.Dispose();
        _temp.Dispose();
    }
}
