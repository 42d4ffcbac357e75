using Claims.Engine.Cohorts;
using Claims.Engine.Extracts;
using Claims.Engine.Storage;
using Claims.Engine.Tests.Extracts;
using Claims.Testing;

namespace Claims.Engine.Tests.Storage;

/// <summary>
/// The child that <see cref="CrashTests"/> kills: it writes a dataset (or rewrites one of its columns, for
/// <see cref="RewriteCrashTests"/>, or exports one as Parquet, for <see cref="ExportCrashTests"/>, or extracts a cohort, for
/// <see cref="ExtractCrashTests"/>) and prints a line after every batch or column and every publishing stage, so the
/// test can kill it at a chosen point. After each line it waits for the test to answer, so the test can kill it
/// there, at a known state (a kill sent while the child ran on could land anywhere, even after it had published).
/// </summary>
public static class CrashWriterProgram
{
    public const string Verb = "crash-writer";
    public const string RewriteVerb = "crash-rewriter";
    public const string ExportVerb = "crash-export";
    public const string ExtractVerb = "crash-extract";

    public static int Run(string[] args)
    {
        if (args is [RewriteVerb, var dataset, var rewriteSeed])
        {
            PatientIdRewrite.Run(dataset, int.Parse(rewriteSeed), new InlineProgress<WriteStage>(stage => Report(stage.ToString())), Report);
            Console.WriteLine("done");
            return 0;
        }
        if (args is [ExportVerb, var exported, var outDirectory])
        {
            using var exporting = Dataset.Open(exported);
            ParquetExport.Write(exporting, outDirectory,
                new InlineProgress<ExportedFile>(file => Report($"staged {file.Table}/{Path.GetFileName(file.Path)}")));
            Console.WriteLine("done");
            return 0;
        }
        if (args is [ExtractVerb, var extracted, var extractTo])
        {
            using var extracting = Dataset.Open(extracted);
            var staged = 0;
            var gate = new Lock();
            CohortExtract.Write(extracting, extracting.BuildCohort(ExtractCrashTests.Definition), ExtractCrashTests.Request(extractTo, "killed", ExtractCrashTests.AllTables),
                staged: _ =>
                {
                    // Tables are written in parallel: one report at a time, the others wait here too.
                    lock (gate) Report($"staged {++staged}");
                });
            Console.WriteLine("done");
            return 0;
        }
        if (args is not [Verb, var directory, var seed]) return 64;
        var source = CrashTests.Source(int.Parse(seed));
        source.Write(directory,
            new DatasetWriteOptions { Provenance = CrashTests.Provenance(source.Seed), Progress = new InlineProgress<WriteStage>(stage => Report(stage.ToString())) },
            batch => Report($"batch {batch}"));
        Console.WriteLine("done");
        return 0;
    }

    internal static void Report(string point)
    {
        Console.WriteLine(point);
        Console.In.ReadLine();
    }
}
