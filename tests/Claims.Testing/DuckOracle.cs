using Claims.Engine.Storage;
using DuckDB.NET.Data;

namespace Claims.Testing;

/// <summary>DuckDB in memory over datasets' Parquet exports: the independent oracle the engine's tests compare with.</summary>
public sealed class DuckOracle : IDisposable
{
    private readonly DuckDBConnection _connection = new("DataSource=:memory:");

    public DuckOracle() => _connection.Open();

    /// <summary>Exports <paramref name="dataset"/> to <paramref name="parquet"/> and loads each table as prefix + its name.</summary>
    public void Load(Dataset dataset, string parquet, string prefix = "")
    {
        ParquetExport.Write(dataset, parquet);
        Attach(dataset, parquet, prefix);
    }

    /// <summary>Loads an existing export; with <paramref name="months"/>, only the rows whose month column lies in them.</summary>
    public void Attach(Dataset dataset, string parquet, string prefix = "", MonthRange? months = null)
    {
        foreach (var table in dataset.Tables.Where(t => t.Partitions.Count > 0))
        {
            using var command = _connection.CreateCommand();
            var where = months is null ? "" : $" WHERE {table.Schema.PartitionColumn.Name} BETWEEN {months.From} AND {months.To}";
            command.CommandText = $"CREATE TABLE {prefix}{table.Name} AS SELECT * FROM read_parquet('{Path.Combine(parquet, table.Name, "*.parquet")}'){where}";
            command.ExecuteNonQuery();
        }
    }

    public List<object?[]> Rows(string sql)
    {
        using var command = _connection.CreateCommand();
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

    /// <summary>Appends <paramref name="rows"/> to <paramref name="table"/> through DuckDB's appender, for tables a test or benchmark makes up.</summary>
    public void Insert(string table, IEnumerable<object[]> rows)
    {
        using var appender = _connection.CreateAppender(table);
        foreach (var row in rows)
        {
            var line = appender.CreateRow();
            foreach (var value in row)
            {
                switch (value)
                {
                    case int i: line.AppendValue(i); break;
                    case long l: line.AppendValue(l); break;
                    default: line.AppendValue(value.ToString()); break;
                }
            }
            line.EndRow();
        }
    }

    public long Scalar(string sql) => Convert.ToInt64(Rows(sql).Single()[0]);

    public void Dispose() => _connection.Dispose();
}
