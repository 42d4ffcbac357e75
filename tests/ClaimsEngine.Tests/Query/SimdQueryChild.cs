using System.Text.Json;
using Claims.Engine.Kernels;
using Claims.Engine.Query;
using Claims.Engine.Storage;

namespace Claims.Engine.Tests.Query;

/// <summary>
/// Runs queries in a child process whose CLAIMS_SIMD forces a kernel width: prints the level it runs at, then
/// writes each query's rows (in <see cref="QueryOracle.Canonical"/> form, in the engine's order) as one JSON line.
/// </summary>
public static class SimdQueryChild
{
    public const string Verb = "simd-queries";

    public static int Run(string[] args)
    {
        if (args is not [Verb, var dataset, var queries, var output]) return 64;
        Console.WriteLine(SimdLevels.Active);
        using var data = Dataset.Open(dataset);
        using var writer = new StreamWriter(output);
        foreach (var json in File.ReadLines(queries))
            writer.WriteLine(JsonSerializer.Serialize(QueryOracle.Rows(data.Execute(json)).ToArray()));
        return 0;
    }

    /// <summary>Runs <paramref name="queries"/> (one JSON query a line) at <paramref name="level"/>; the level the child reported, and its rows per query.</summary>
    public static (string Level, List<string?[]>[] Rows) Execute(string dataset, string queries, string level, string output)
    {
        var start = ChildProgram.StartInfo(Verb, dataset, queries, output);
        start.Environment[SimdLevels.Variable] = level;
        using var child = System.Diagnostics.Process.Start(start)!;
        var reported = child.StandardOutput.ReadLine();
        var error = child.StandardError.ReadToEnd();
        child.WaitForExit();
        Assert.True(child.ExitCode == 0, $"the child at CLAIMS_SIMD={level} failed: {error}");
        var rows = File.ReadLines(output).Select(line => JsonSerializer.Deserialize<List<string?[]>>(line)!).ToArray();
        return (reported ?? "", rows);
    }
}
