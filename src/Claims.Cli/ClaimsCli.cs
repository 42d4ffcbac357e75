using System.CommandLine;
using Claims.Cli.Commands;
using Claims.Engine;
using Spectre.Console;

namespace Claims.Cli;

/// <summary>The `claims` command line: every subcommand, and the one place where errors become exit codes.</summary>
public static class ClaimsCli
{
    /// <summary>Exit code for bad input or bad data (a <see cref="ClaimsException"/>); 1 is left to parse errors.</summary>
    public const int BadInput = 2;

    public static int Run(string[] args, IAnsiConsole console, TextWriter error, TextReader? input = null)
    {
        var root = new RootCommand("Claims: NDB-style claims data, synthetic generation and analytics.")
        {
            InfoCommand.Create(console),
            ExportCommand.Create(console),
            GenerateCommand.Create(console),
            ImportCommand.Create(console),
            FidelityCommand.Create(console),
            LinkCommand.Create(console),
            SampleCommand.Create(console),
            ShardCommand.Create(console),
            SiloCommand.Create(console),
            QueryCommand.Create(console, input ?? Console.In, error),
            CohortCommand.Create(console, input ?? Console.In),
            TrainCommand.Create(console, input ?? Console.In),
            PredictCommand.Create(console, input ?? Console.In, error),
            ExtractCommand.Create(console, input ?? Console.In, error),
            BenchCommand.Create(console),
        };
        try
        {
            return root.Parse(args).Invoke(new InvocationConfiguration { Output = console.Profile.Out.Writer, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (ClaimsException e)
        {
            error.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ParquetSharp.ParquetException)
        {
            // The file system or a Parquet file said no (a path that is a file, a folder we may not write, a
            // truncated truth file): the user can act on the message, so no stack trace.
            error.WriteLine($"error: {e.Message}");
            return BadInput;
        }
    }
}
