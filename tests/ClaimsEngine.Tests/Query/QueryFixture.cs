using Claims.Engine.Storage;
using Claims.SyntheticGen;
using Claims.Testing;

namespace Claims.Engine.Tests.Query;

/// <summary>A small generated dataset (3,000 persons, October to March, across a fiscal year) open in the engine and, through its Parquet export, in DuckDB.</summary>
public sealed class QueryFixture : IDisposable
{
    private readonly TempDirectory _temp = new("claims-query");
    private readonly DuckOracle _oracle = new();

    public QueryFixture()
    {
        Generator.Run(new GenerateOptions { Out = _temp.Combine("ds"), Persons = 3_000, From = 202310, Months = 6, Seed = 77 });
        Dataset = Dataset.Open(_temp.Combine("ds"));
        _oracle.Load(Dataset, _temp.Combine("parquet"));
    }

    public Dataset Dataset { get; }

    public List<object?[]> Rows(string sql) => _oracle.Rows(sql);

    public void Dispose()
    {
        _oracle.Dispose();
        Dataset.Dispose();
        _temp.Dispose();
    }
}
