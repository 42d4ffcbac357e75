using System.Diagnostics;
using Claims.Engine.Tests.Query;
using Claims.Engine.Tests.Storage;

namespace Claims.Engine.Tests;

/// <summary>
/// The entry point of this test assembly when a test runs it as a child process: a writer to kill at a chosen point,
/// queries under a forced SIMD level (read once per process from the environment), or a split into shards under a
/// limit of open files. Test runners load the
/// assembly without calling it.
/// </summary>
public static class ChildProgram
{
    public static int Main(string[] args) => args switch
    {
        [CrashWriterProgram.Verb or CrashWriterProgram.RewriteVerb or CrashWriterProgram.ExportVerb or CrashWriterProgram.ExtractVerb, ..] => CrashWriterProgram.Run(args),
        [SimdQueryChild.Verb, ..] => SimdQueryChild.Run(args),
        [Sharding.ShardChild.Verb, _, _, _] => Sharding.ShardChild.Run(args),
        _ => 64,
    };

    /// <summary>This assembly started as a child with <paramref name="args"/>, its standard streams redirected.</summary>
    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(ChildProgram).Assembly.Location);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }
}
