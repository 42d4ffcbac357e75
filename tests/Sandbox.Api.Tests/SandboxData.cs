using Claims.Engine.Storage;
using Claims.SyntheticGen;
using Claims.Testing;

namespace Claims.Sandbox.Tests;

/// <summary>
/// Small datasets generated once per test run (synthetic 2,000 persons and restricted 1,500, six months) and
/// copied into each test's own data folder, so every service under test starts as a fresh install that finds
/// its datasets already there.
/// </summary>
public static class SandboxData
{
    public const string AdminKey = "test-admin-key-0123456789abcdef";

    private static readonly TempDirectory s_template = new("claims-sandbox-template");
    private static readonly Lazy<string> s_datasets = new(() =>
    {
        var datasets = s_template.Combine("datasets");
        Generator.Run(new GenerateOptions { Out = Path.Combine(datasets, "synthetic"), Persons = 2_000, From = 202304, Months = 6, Seed = 11 });
        Generator.Run(new GenerateOptions { Out = Path.Combine(datasets, "restricted"), Persons = 1_500, From = 202304, Months = 6, Seed = 12, Access = DatasetAccess.Restricted });
        return datasets;
    });

    /// <summary>A new data folder holding a copy of the datasets; the caller removes it.</summary>
    public static TempDirectory NewDataDir()
    {
        var folder = new TempDirectory("claims-sandbox");
        Copy(s_datasets.Value, folder.Combine("datasets"));
        return folder;
    }

    /// <summary>The environment a service process needs to use <paramref name="dataDir"/> with the test admin key.</summary>
    public static Dictionary<string, string> Environment(string dataDir) => new()
    {
        ["CLAIMS_DATA_DIR"] = dataDir,
        ["CLAIMS_ADMIN_KEY"] = AdminKey,
    };

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var folder in Directory.GetDirectories(from)) Copy(folder, Path.Combine(to, Path.GetFileName(folder)));
    }
}
