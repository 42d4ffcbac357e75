using Claims.Engine.Cohorts;
using Claims.Engine.Storage;
using Claims.SyntheticGen;
using Claims.Testing;
using DuckDB.NET.Data;

namespace Claims.Engine.Tests.Extracts;

/// <summary>
/// A small generated, linked dataset (1,500 persons, April to June) with its Parquet export open in DuckDB, and a
/// cohort of every third patient with index and exit months that vary by patient, made directly (not parsed).
/// </summary>
public sealed class ExtractFixture : IDisposable
{
    private readonly TempDirectory _temp = new("claims-extract");

    public ExtractFixture()
    {
        Generator.Run(new GenerateOptions { Out = _temp.Combine("ds"), Persons = 1_500, From = 202304, Months = 3, Seed = 21 });
        Dataset = Dataset.Open(_temp.Combine("ds"));
        ParquetExport.Write(Dataset, _temp.Combine("export"));
        Duck = new DuckDBConnection("DataSource=:memory:");
        Duck.Open();
        var capacity = Convert.ToInt32(Scalar($"SELECT max(patient_id) + 1 FROM read_parquet('{Export("receipts")}')"));
        var members = new PatientSet(capacity);
        var index = new int[capacity];
        var exit = new int[capacity];
        for (var patient = 0; patient < capacity; patient += 3)
        {
            members.Add(patient);
            index[patient] = 202304 + patient % 3;
            exit[patient] = 202306;
        }
        Cohort = new Cohort("every third", members, index, exit, []);
        Execute("CREATE TABLE cohort (patient_id INTEGER)");
        using var appender = Duck.CreateAppender("cohort");
        foreach (var patient in members) appender.CreateRow().AppendValue(patient).EndRow();
    }

    public Dataset Dataset { get; }
    public Cohort Cohort { get; }
    public DuckDBConnection Duck { get; }

    /// <summary>The glob of a table's export files.</summary>
    public string Export(string table) => _temp.Combine("export", table, "*.parquet");

    public string NewFolder() => _temp.Combine("out-" + Guid.NewGuid().ToString("N"));

    public object? Scalar(string sql)
    {
        using var command = Duck.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Execute(string sql)
    {
        using var command = Duck.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Rows as name → value, dates as DateOnly.</summary>
    public List<Dictionary<string, object?>> Rows(string sql)
    {
        using var command = Duck.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<Dictionary<string, object?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, object?>();
            for (var i = 0; i < reader.FieldCount; i++)
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i) is DateTime d ? DateOnly.FromDateTime(d) : reader.GetValue(i);
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
