using System.Diagnostics;
using System.Security.Cryptography;
using Claims.Engine.Storage;
using Claims.Sandbox.Hosting;
using Claims.SyntheticGen;

namespace Claims.Sandbox.Datasets;

/// <summary>
/// The service's two datasets, opened once and kept open (cohorts and queries are fast on an open dataset):
/// `synthetic`, public, from a fixed seed; and `restricted`, generated from a secret random seed that is never
/// stored, standing in for the real NDB extract a deployment would import into the same folder. Missing ones
/// are generated on start with progress on the console; a folder left without a manifest by an interrupted
/// generation is ours and is generated again.
/// </summary>
public sealed class DatasetRegistry : IDisposable
{
    public const string Synthetic = "synthetic";
    public const string Restricted = "restricted";

    private readonly Dictionary<string, Dataset> _datasets;

    private DatasetRegistry(Dictionary<string, Dataset> datasets) => _datasets = datasets;

    public IReadOnlyCollection<string> Names => _datasets.Keys;

    public bool TryGet(string name, out Dataset dataset) => _datasets.TryGetValue(name, out dataset!);

    public Dataset Get(string name) => _datasets[name];

    public static DatasetRegistry Open(SandboxOptions options, ILogger logger)
    {
        Ensure(options, Synthetic, options.SyntheticPersons, options.SyntheticSeed, DatasetAccess.Public, logger);
        Ensure(options, Restricted, options.RestrictedPersons, BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)), DatasetAccess.Restricted, logger);
        return new DatasetRegistry(new Dictionary<string, Dataset>
        {
            [Synthetic] = Dataset.Open(options.DataPath("datasets", Synthetic)),
            [Restricted] = Dataset.Open(options.DataPath("datasets", Restricted)),
        });
    }

    private static void Ensure(SandboxOptions options, string name, int persons, ulong seed, DatasetAccess access, ILogger logger)
    {
        var path = options.DataPath("datasets", name);
        if (File.Exists(Path.Combine(path, DatasetManifest.FileName))) return;
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        Console.WriteLine($"generating the {name} dataset: {persons:N0} persons × {options.Months} months into {path}");
        var stopwatch = Stopwatch.StartNew();
        var last = Stopwatch.StartNew();
        var summary = Generator.Run(new GenerateOptions { Out = path, Persons = persons, From = options.FromMonth, Months = options.Months, Seed = seed, Access = access },
            progress: new Claims.Engine.InlineProgress<(long Done, long Total)>(p =>
            {
                if (last.Elapsed.TotalSeconds < 2 && p.Done < p.Total) return;
                last.Restart();
                Console.WriteLine($"  {name}: {p.Done:N0} / {p.Total:N0} persons ({100.0 * p.Done / Math.Max(1, p.Total):F0}%)");
            }));
        Console.WriteLine($"  {name}: {summary.Rows:N0} rows, {summary.Patients:N0} patients in {stopwatch.Elapsed.TotalSeconds:F0} s");
        logger.LogInformation("Generated the {Name} dataset ({Rows} rows)", name, summary.Rows);
    }

    public void Dispose()
    {
        foreach (var dataset in _datasets.Values) dataset.Dispose();
    }
}
