using Claims.Engine.Schema;
using Claims.Engine.Storage;
using Claims.SyntheticGen;
using Claims.SyntheticGen.Model;
using Claims.Testing;

namespace Claims.Modelling.Tests;

/// <summary>A synthetic dataset two years long, and DuckDB over its Parquet export: the independent oracle for features.</summary>
public sealed class ModelFixture : IDisposable
{
    private readonly TempDirectory _temp = new("claims-model");

    public ModelFixture()
    {
        Generator.Run(new GenerateOptions { Out = _temp.Combine("ds"), Persons = 10_000, From = 202201, Months = 24, Seed = 13 }, GeneratorModel.Load(ClaimsSchema.Default));
        Dataset = Dataset.Open(_temp.Combine("ds"));
        Oracle.Load(Dataset, _temp.Combine("parquet"));
    }

    public Dataset Dataset { get; }

    public DuckOracle Oracle { get; } = new();

    public string Temp(string name) => _temp.Combine(name);

    public void Dispose()
    {
        Oracle.Dispose();
        Dataset.Dispose();
        _temp.Dispose();
    }
}
