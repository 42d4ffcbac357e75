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

    /// <summary>The audit key the services under test sign their audit head with, as a deployment's secret store would give it.</summary>
    public const string AuditKey = "test-audit-key-0123456789abcdef-0123456789";

    private static readonly string s_template = Template();
    private static readonly Lazy<string> s_datasets = new(() =>
    {
        var datasets = Path.Combine(s_template, "datasets");
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

    /// <summary>
    /// The template folder of this test process. Static, so nothing disposes it, and the test host is ended without
    /// exit handlers: instead each run removes the templates of test processes that are gone.
    /// </summary>
    private static string Template()
    {
        const string prefix = "claims-sandbox-template-";
        foreach (var stale in Directory.EnumerateDirectories(Path.GetTempPath(), prefix + "*"))
        {
            if (!int.TryParse(Path.GetFileName(stale)[prefix.Length..], out var pid) || Running(pid)) continue;
            try
            {
                Directory.Delete(stale, recursive: true);
            }
            catch (IOException)
            {
                // Another run is clearing it at the same moment.
            }
        }
        var folder = Path.Combine(Path.GetTempPath(), prefix + System.Environment.ProcessId);
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static bool Running(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The environment a service process needs to use <paramref name="dataDir"/> with the test admin and audit keys.</summary>
    public static Dictionary<string, string> Environment(string dataDir) => new()
    {
        ["CLAIMS_DATA_DIR"] = dataDir,
        ["CLAIMS_ADMIN_KEY"] = AdminKey,
        ["CLAIMS_AUDIT_KEY"] = AuditKey,
    };

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var folder in Directory.GetDirectories(from)) Copy(folder, Path.Combine(to, Path.GetFileName(folder)));
    }
}
