namespace Claims.Benchmarks;

/// <summary>The `--name value` options of the timed harnesses (generate, cohort, extract), which run outside BenchmarkDotNet.</summary>
internal static class HarnessArgs
{
    public static string? Value(string[] args, string name) => Values(args, name).LastOrDefault();

    public static IEnumerable<string> Values(string[] args, string name)
    {
        for (var i = 0; i + 1 < args.Length; i++)
            if (args[i] == name) yield return args[i + 1];
    }
}
