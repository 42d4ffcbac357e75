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

    public static int Run(string[] args, IAnsiConsole console, TextWriter error)
    {
        var root = new RootCommand("Claims: NDB-style claims data, synthetic generation and analytics.")
        {
            InfoCommand.Create(console),
            ExportCommand.Create(console),
            GenerateCommand.Create(console),
            FidelityCommand.Create(console),
            LinkCommand.Create(console),
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
    }
}
