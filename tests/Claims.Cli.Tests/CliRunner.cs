using Spectre.Console;

namespace Claims.Cli.Tests;

/// <summary>Runs `claims` in-process with its output captured, as a terminal-less caller sees it.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Out, string Error) Run(params string[] args) => RunWithInput("", args);

    public static (int ExitCode, string Out, string Error) RunWithInput(string input, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;
        var code = ClaimsCli.Run(args, console, error, new StringReader(input));
        return (code, output.ToString(), error.ToString());
    }
}
