using Claims.Engine.Schema;
using Claims.Engine.Storage;
using Claims.SyntheticGen;
using Claims.SyntheticGen.Model;

namespace Claims.Testing;

/// <summary>A small generated dataset (3,000 persons, October to March, across a fiscal year) open in the engine and, through its Parquet export, in DuckDB.</summary>
public class QueryFixture : IDisposable
{
    private readonly TempDirectory _temp = new("claims-query");
    private readonly DuckOracle _oracle = new();

    public QueryFixture() : this(persons: 3_000, from: 202310, months: 6, seed: 77)
    {
    }

    /// <param name="blockRows">Rows per zone-map block when not the schema's 65,536, so that partitions span many blocks.</param>
    /// <param name="access">Restricted for fixtures that release through disclosure control.</param>
    protected QueryFixture(int persons, int from, int months, ulong seed, int? blockRows = null, DatasetAccess access = DatasetAccess.Public)
    {
        var schema = blockRows is { } rows ? SchemaCopies.WithBlockRows(_temp.Combine("schema"), rows) : ClaimsSchema.Default;
        Generator.Run(new GenerateOptions { Out = _temp.Combine("ds"), Persons = persons, From = from, Months = months, Seed = seed, Access = access }, GeneratorModel.Load(schema));
        Dataset = Dataset.Open(_temp.Combine("ds"), schema: schema);
        _oracle.Load(Dataset, Parquet);
    }

    public Dataset Dataset { get; }

    /// <summary>The dataset's Parquet export, which the oracle reads.</summary>
    public string Parquet => _temp.Combine("parquet");

    public List<object?[]> Rows(string sql) => _oracle.Rows(sql);

    /// <summary>Up to 25 distinct values of every column, drawn the same way each run: constants for random predicates.</summary>
    public Dictionary<(string Table, string Column), object[]> Samples()
    {
        var samples = new Dictionary<(string, string), object[]>();
        foreach (var table in Dataset.Tables)
        {
            foreach (var column in table.Schema.Columns)
            {
                samples[(table.Name, column.Name)] = Rows(
                        $"SELECT v FROM (SELECT DISTINCT {column.Name} AS v FROM {table.Name} WHERE {column.Name} IS NOT NULL ORDER BY v) USING SAMPLE reservoir(25 ROWS) REPEATABLE (7)")
                    .Select(r => Normalise(r[0])!).ToArray();
            }
        }
        return samples;
    }

    public static object? Normalise(object? value) => value is DateTime d ? DateOnly.FromDateTime(d) : value;

    public void Dispose()
    {
        GC.SuppressFinalize(this);
        _oracle.Dispose();
        Dataset.Dispose();
        _temp.Dispose();
    }
}
