using Claims.Engine.Sampling;
using Claims.Engine.Storage;
using Claims.SyntheticGen;
using Claims.Testing;

namespace Claims.Engine.Tests.Sampling;

/// <summary>
/// A generated dataset of January to October and its sampling product (seed 5), both open in the engine and, through
/// their Parquet exports, in DuckDB as src_* and smp_* tables.
/// </summary>
public sealed class SampleFixture : IDisposable
{
    private readonly TempDirectory _temp = new("claims-sample");

    public SampleFixture()
    {
        Generator.Run(new GenerateOptions { Out = _temp.Combine("src"), Persons = 20_000, From = 202301, Months = 10, Seed = 3 });
        Source = Dataset.Open(_temp.Combine("src"));
        Summary = SamplingProduct.Write(Source, _temp.Combine("smp"), new SampleOptions { Seed = 5 });
        Sample = Dataset.Open(_temp.Combine("smp"));
        Oracle.Load(Source, _temp.Combine("parquet-src"), "src_");
        Oracle.Load(Sample, _temp.Combine("parquet-smp"), "smp_");
    }

    public Dataset Source { get; }
    public Dataset Sample { get; }
    public SampleSummary Summary { get; }
    public DuckOracle Oracle { get; } = new();

    /// <summary>A fresh folder for another run, removed with the fixture.</summary>
    public string Folder(string name) => _temp.Combine(name);

    public void Dispose()
    {
        Oracle.Dispose();
        Sample.Dispose();
        Source.Dispose();
        _temp.Dispose();
    }
}
