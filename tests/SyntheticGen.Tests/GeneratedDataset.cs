using Claims.Engine.Storage;
using Claims.SyntheticGen;
using Claims.Testing;
using DuckDB.NET.Data;

namespace Claims.SyntheticGen.Tests;

/// <summary>
/// One generated dataset (50,000 persons × 12 months from 2023-04) shared by the tests of a collection, with
/// its Parquet export open in DuckDB as views (receipts, diagnoses, …, and truth_receipts, truth_persons, …).
/// </summary>
public sealed class GeneratedDataset : IDisposable
{
    public const int Persons = 50_000;
    private readonly TempDirectory _temp = new("claims-gen");

    public GeneratedDataset()
    {
        Summary = Generator.Run(new GenerateOptions { Out = Directory, Persons = Persons, From = 202304, Months = 12, Seed = 20230401 });
        using (var dataset = Dataset.Open(Directory)) ParquetExport.Write(dataset, _temp.Combine("parquet"));
        Duck = new DuckDBConnection("DataSource=:memory:");
        Duck.Open();
        foreach (var table in new[] { "receipts", "diagnoses", "procedures", "drugs", "devices", "dpc", "checkups", "population" })
            Execute($"CREATE VIEW {table} AS SELECT * FROM read_parquet('{_temp.Combine("parquet", table, "*.parquet")}')");
        foreach (var truth in new[] { "receipts", "checkups", "persons", "conditions" })
            Execute($"CREATE VIEW truth_{truth} AS SELECT * FROM read_parquet('{Path.Combine(Directory, "truth", truth + ".parquet")}')");
    }

    public string Directory => _temp.Combine("dataset");

    /// <summary>SQL for a YYYYMM column or literal as a month count (year × 12 + month − 1).</summary>
    public static string MonthIndex(string column) => $"({column} // 100 * 12 + {column} % 100 - 1)";

    /// <summary>
    /// SQL for every month each person lived in the window (from the first month, newborns from birth, to the death
    /// month, both included), from the truth, with the month (YYYYMM), their prefecture, sex and age in it.
    /// </summary>
    public static string Lived => $"""
        SELECT (m // 12) * 100 + m % 12 + 1 AS month, prefecture, sex,
               (m - (year(birth_date) * 12 + month(birth_date) - 1)) // 12 AS age
        FROM truth_persons, range({MonthIndex("202304")}, {MonthIndex("202403")} + 1) AS months(m)
        WHERE m >= {MonthIndex("first_month")} AND (death_month IS NULL OR m <= {MonthIndex("death_month")})
        """;
    public GenerateSummary Summary { get; }
    public DuckDBConnection Duck { get; }

    public void Execute(string sql)
    {
        using var command = Duck.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public double Scalar(string sql)
    {
        using var command = Duck.CreateCommand();
        command.CommandText = sql;
        return Convert.ToDouble(command.ExecuteScalar() ?? double.NaN);
    }

    public void Dispose()
    {
        Duck.Dispose();
        _temp.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class GeneratedDatasetCollection : ICollectionFixture<GeneratedDataset>
{
    public const string Name = "generated dataset";
}
